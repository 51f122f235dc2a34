/*
 * proto-container.S - the replacement loop in proto-container.binpatch.
 *
 * Placed at 0x3a00f inside ProtoHandleConnection() of Debian's vpnserver
 * 5.01.9674+git20200806+8181039+dfsg2-2+b2 (x86-64).  On entry: %r15 =
 * PROTO *proto, %rbx = SOCK *sock, %rbp = const char *protocol (non-NULL).
 * PROTO: Containers at +8.  LIST: num_item (u32) at +8, p (void **) at
 * +0x10.  PROTO_CONTAINER: Name at +0.  StrCmp() is at 0x16bbd0; 0x3a050
 * is the function's "return false"; 0x3a0b1 is where the auto-detect path
 * continues with %rax = %r12 = the container.  %r12/%r13 are callee-saved
 * and not yet live here.  Only %rbx (sock) must survive, unlike in the
 * packaged loop, which used it as the counter.
 *
 * Rebuild the bytes (binutils):
 *   as -o p.o proto-container.S
 *   ld -o p.elf -Ttext=0x3a00f --defsym ret_false=0x3a050 \
 *      --defsym strcmp_fn=0x16bbd0 --defsym found=0x3a0b1 -e start p.o
 *   objcopy -O binary -j .text p.elf p.bin   # then pad with 90 to 65 bytes
 */
	.text
	.globl	start
start:
	xor	%r13d, %r13d		/* i = 0 */
1:	mov	0x8(%r15), %rdx		/* proto->Containers */
	test	%rdx, %rdx
	je	ret_false
	cmp	0x8(%rdx), %r13d	/* i < LIST_NUM() */
	jae	ret_false
	mov	0x10(%rdx), %rdx
	mov	(%rdx,%r13,8), %r12	/* tmp = LIST_DATA(, i) */
	mov	(%r12), %rdi		/* tmp->Name */
	mov	%rbp, %rsi		/* protocol */
	call	strcmp_fn
	add	$1, %r13d
	test	%eax, %eax
	jne	1b
	mov	%r12, %rax		/* container = tmp */
	jmp	found
