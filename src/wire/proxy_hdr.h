/*
 * proxy_hdr.h - the PROXY protocol header a TCP front end (haproxy
 * send-proxy / send-proxy-v2, nginx stream proxy_protocol, sslh) sends
 * before anything else, versions 1 (text) and 2 (binary), as specified
 * in haproxy's doc/proxy-protocol.txt.  Pure, bounded, no I/O.
 *
 * Only the connection's addresses are taken; TLVs are skipped (bounded
 * by the v2 length), LOCAL (v2) and UNKNOWN (v1) keep the socket's own
 * addresses.  A malformed or oversized header is an error: the front end
 * closes the connection with one log line naming the cause.
 */
#ifndef SSTPC_PROXY_HDR_H
#define SSTPC_PROXY_HDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#define PROXY_V1_MAX	107	/* octets, CRLF included (spec 2.1) */
#define PROXY_V2_MAX	(16 + 65535)

struct proxy_hdr {
	int			version;	/* 1 or 2 */
	bool			local;	/* LOCAL / UNKNOWN: no addresses */
	struct sockaddr_storage	src;	/* the real client */
	struct sockaddr_storage	dst;
	socklen_t		srclen;
	socklen_t		dstlen;
	size_t			len;	/* octets the header took */
};

/*
 * proxy_hdr_parse - a PROXY header at the start of @buf.  Returns 1 and
 * *h when complete, 0 when more octets are needed (bounded by the
 * version's maximum), or -EBADMSG with a one-line cause in @err (no
 * signature, bad syntax, bad family or length, over the maximum).
 */
int	proxy_hdr_parse(const uint8_t *buf, size_t len, struct proxy_hdr *h,
	    char *err, size_t errlen);

#endif /* SSTPC_PROXY_HDR_H */
