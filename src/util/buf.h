/*
 * buf.h - bounded read cursor and sticky-error writer.
 *
 * Every byte that comes from the network, pppd, the plugin socket or the
 * command line is read through a struct bcur.  A cursor is a read-only view
 * {ptr, len}; every getter checks the remaining length first and consumes
 * only on success, so no caller can read past the end (model: OpenSSH sshbuf).
 * Child views (bcur_sub*) make nested TLVs safe: a TLV whose declared length
 * is shorter than its own header or longer than what remains is refused by the
 * cursor itself, so the zero-length-option loop cannot be written.
 *
 * struct wbuf writes into caller-owned storage with a sticky error
 * (model: openconnect oc_text_buf): after the first overflow every append is a
 * no-op; check wbuf_error() once and never send a failed buffer.
 *
 * This file and buf.c are the only places that do raw pointer arithmetic on
 * wire bytes.
 */
#ifndef SSTPC_BUF_H
#define SSTPC_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* Read cursor over untrusted bytes.  Never owns memory. */
struct bcur {
	const uint8_t	*p;
	size_t		 len;
};

/* Return a cursor over buf[0..len). */
static inline struct bcur
bcur_make(const void *buf, size_t len)
{
	struct bcur c = { .p = buf, .len = len };
	return c;
}

/* Bytes left in the cursor. */
static inline size_t
bcur_left(const struct bcur *c)
{
	return c->len;
}

/* Pointer to the unread bytes (valid for bcur_left() bytes). */
static inline const uint8_t *
bcur_ptr(const struct bcur *c)
{
	return c->p;
}

/* Getters return 0, or -EBADMSG on underrun (then nothing is consumed). */
int	bcur_get_u8(struct bcur *, uint8_t *);
int	bcur_get_be16(struct bcur *, uint16_t *);
int	bcur_get_be32(struct bcur *, uint32_t *);
int	bcur_get_le16(struct bcur *, uint16_t *);
int	bcur_get_le32(struct bcur *, uint32_t *);
int	bcur_get_bytes(struct bcur *, void *, size_t);	/* copy out n bytes */
int	bcur_get_view(struct bcur *, size_t, struct bcur *); /* child of n bytes */
int	bcur_skip(struct bcur *, size_t);
/* Peek without consuming. */
int	bcur_peek_u8(const struct bcur *, size_t off, uint8_t *);
int	bcur_peek_be16(const struct bcur *, size_t off, uint16_t *);
/*
 * Take a child view for a TLV whose total length (header included) is tlv_len
 * and whose header is hdr bytes long: refuses tlv_len < hdr and
 * tlv_len > remaining.  On success *child covers the whole TLV and the parent
 * is advanced past it.
 */
int	bcur_sub_tlv(struct bcur *, size_t tlv_len, size_t hdr, struct bcur *child);
/* Find byte b in the unread bytes: offset, or -1. */
long	bcur_find(const struct bcur *, uint8_t b);
/* Compare the next n bytes with mem (no consume): true if equal. */
bool	bcur_starts_with(const struct bcur *, const void *mem, size_t n);
/*
 * Copy untrusted text for a log line into the NUL-terminated out (capacity
 * cap > 0): bytes outside 0x20..0x7E become '?', and at most cap - 1 bytes
 * are taken.  Consumes what it copied; returns the length of out.
 */
size_t	bcur_get_printable(struct bcur *, char *out, size_t cap);

/* Writer into caller storage with a sticky error. */
struct wbuf {
	uint8_t		*p;
	size_t		 cap;
	size_t		 len;
	int		 err;	/* 0 or -ENOSPC / -EINVAL, sticky */
};

static inline void
wbuf_init(struct wbuf *w, void *buf, size_t cap)
{
	w->p = buf;
	w->cap = cap;
	w->len = 0;
	w->err = 0;
}

static inline int
wbuf_error(const struct wbuf *w)
{
	return w->err;
}

void	wbuf_put_u8(struct wbuf *, uint8_t);
void	wbuf_put_be16(struct wbuf *, uint16_t);
void	wbuf_put_be32(struct wbuf *, uint32_t);
void	wbuf_put_le16(struct wbuf *, uint16_t);
void	wbuf_put_le32(struct wbuf *, uint32_t);
void	wbuf_put_bytes(struct wbuf *, const void *, size_t);
void	wbuf_put_zero(struct wbuf *, size_t);
void	wbuf_put_str(struct wbuf *, const char *);
/* printf-append; the terminating NUL is not counted in len. */
void	wbuf_printf(struct wbuf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
/* Reserve n bytes and return them (NULL and sticky error if no room). */
uint8_t	*wbuf_reserve(struct wbuf *, size_t);
/* Overwrite a big-endian u16 at an earlier offset (back-patched lengths). */
void	wbuf_patch_be16(struct wbuf *, size_t off, uint16_t);

/*
 * Output queue toward a file descriptor or TLS: bytes are appended at the
 * tail and consumed from the head; the storage grows up to a hard cap and
 * is compacted when the head has moved.  Not for untrusted input.
 */
struct bq {
	uint8_t		*p;
	size_t		 off;		/* first unsent byte */
	size_t		 len;		/* end of queued bytes */
	size_t		 cap;
	size_t		 max;		/* hard cap on cap */
};

int	bq_init(struct bq *, size_t initial, size_t max);
void	bq_free(struct bq *);
/* Make room for n more bytes; 0, -ENOBUFS above max, or -ENOMEM. */
int	bq_room(struct bq *, size_t n);
/* Reserve n bytes at the tail (NULL when bq_room fails). */
uint8_t	*bq_reserve(struct bq *, size_t n);
/* Bytes waiting, and a pointer to them. */
static inline size_t
bq_pending(const struct bq *q)
{
	return q->len - q->off;
}
static inline const uint8_t *
bq_head(const struct bq *q)
{
	return q->p + q->off;
}
/* n bytes were sent: drop them from the head. */
void	bq_consume(struct bq *, size_t n);

/* Big-endian loads/stores for code that already holds a checked view. */
static inline uint16_t
load_be16(const uint8_t *p)
{
	return (uint16_t)((p[0] << 8) | p[1]);
}

static inline void
store_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

#endif /* SSTPC_BUF_H */
