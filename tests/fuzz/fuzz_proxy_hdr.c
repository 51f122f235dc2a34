/*
 * fuzz_proxy_hdr.c - the PROXY protocol header, versions 1 and 2
 * (src/wire/proxy_hdr.h; haproxy's doc/proxy-protocol.txt).
 *
 * Input:	the octets at the start of the connection (the whole input).
 *
 * Invariants: the result is 1, 0 or -EBADMSG; an error has a printable
 * cause and leaves *h zero, 0 leaves *h zero and no cause and happens
 * only below the version's maximum; a header is 1 or 2 and its length
 * fits (v1: at most 107 octets ending in CRLF; v2: 16 + its length
 * field); local means no addresses, else both are AF_INET or both
 * AF_INET6 with their lengths; the header alone parses the same, and
 * every proper prefix of it is incomplete (never an error, never a
 * header); a prefix of a refused input is never a header; a v1 header
 * written back from the parsed addresses (inet_ntop) parses to them.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "wire/proxy_hdr.h"

#define PREFIX_ALL	512	/* every prefix up to this size */

/* Write a v1 line for h and parse it back. */
static void
check_v1_round_trip(const struct proxy_hdr *h)
{
	const struct sockaddr_in *s4 = (const void *)&h->src;
	const struct sockaddr_in *d4 = (const void *)&h->dst;
	const struct sockaddr_in6 *s6 = (const void *)&h->src;
	const struct sockaddr_in6 *d6 = (const void *)&h->dst;
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN], line[PROXY_V1_MAX + 1];
	char err[128];
	struct proxy_hdr back;
	int n;

	if (h->src.ss_family == AF_INET) {
		FUZZ_CHECK(inet_ntop(AF_INET, &s4->sin_addr, a, sizeof a));
		FUZZ_CHECK(inet_ntop(AF_INET, &d4->sin_addr, b, sizeof b));
		n = snprintf(line, sizeof line, "PROXY TCP4 %s %s %u %u\r\n",
		    a, b, ntohs(s4->sin_port), ntohs(d4->sin_port));
	} else {
		FUZZ_CHECK(inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof a));
		FUZZ_CHECK(inet_ntop(AF_INET6, &d6->sin6_addr, b, sizeof b));
		n = snprintf(line, sizeof line, "PROXY TCP6 %s %s %u %u\r\n",
		    a, b, ntohs(s6->sin6_port), ntohs(d6->sin6_port));
	}
	FUZZ_CHECK(n > 0 && (size_t)n <= PROXY_V1_MAX);
	FUZZ_CHECK(proxy_hdr_parse((const uint8_t *)line, (size_t)n, &back,
	    err, sizeof err) == 1);
	FUZZ_CHECK(back.srclen == h->srclen && back.dstlen == h->dstlen);
	FUZZ_CHECK(memcmp(&back.src, &h->src, h->srclen) == 0);
	FUZZ_CHECK(memcmp(&back.dst, &h->dst, h->dstlen) == 0);
}

/* libFuzzer entry point: run one input (layout above). */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct proxy_hdr h, part;
	char err[128], perr[128];
	size_t i, step;
	int rc, r;

	rc = proxy_hdr_parse(data, size, &h, err, sizeof err);
	FUZZ_CHECK(rc == 1 || rc == 0 || rc == -EBADMSG);
	FUZZ_CHECK(fuzz_str_ok(err, sizeof err, 1));
	if (rc <= 0) {
		FUZZ_CHECK(fuzz_all_zero(&h, sizeof h));
		FUZZ_CHECK((rc == 0) == (err[0] == '\0'));
		if (rc == 0)
			FUZZ_CHECK(size < PROXY_V2_MAX);
		if (rc == 0 && size > 0 && data[0] == 'P')
			FUZZ_CHECK(size < PROXY_V1_MAX);
		/* A refused input has no prefix that is a header. */
		step = size <= PREFIX_ALL ? 1 : size / 97 + 1;
		for (i = 0; rc < 0 && i < size; i += step)
			FUZZ_CHECK(proxy_hdr_parse(data, i, &part, perr,
			    sizeof perr) != 1);
		return 0;
	}
	FUZZ_CHECK(err[0] == '\0');
	FUZZ_CHECK(h.len > 0 && h.len <= size);
	if (h.version == 1) {
		FUZZ_CHECK(h.len <= PROXY_V1_MAX && h.len >= 15);
		FUZZ_CHECK(memcmp(data + h.len - 2, "\r\n", 2) == 0);
	} else {
		FUZZ_CHECK(h.version == 2);
		FUZZ_CHECK(h.len >= 16 && h.len <= PROXY_V2_MAX);
		FUZZ_CHECK(h.len == 16 + (size_t)((data[14] << 8) | data[15]));
	}
	if (h.local) {
		FUZZ_CHECK(h.srclen == 0 && h.dstlen == 0);
	} else {
		FUZZ_CHECK(h.src.ss_family == h.dst.ss_family);
		FUZZ_CHECK(h.src.ss_family == AF_INET ||
		    h.src.ss_family == AF_INET6);
		FUZZ_CHECK(h.srclen == h.dstlen);
		FUZZ_CHECK(h.srclen == (h.src.ss_family == AF_INET ?
		    sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6)));
		check_v1_round_trip(&h);
	}
	/* The header alone parses the same. */
	r = proxy_hdr_parse(data, h.len, &part, perr, sizeof perr);
	FUZZ_CHECK(r == 1 && memcmp(&part, &h, sizeof h) == 0);
	/* Every proper prefix is incomplete. */
	step = h.len <= PREFIX_ALL ? 1 : h.len / 97 + 1;
	for (i = 0; i < h.len; i += step) {
		r = proxy_hdr_parse(data, i, &part, perr, sizeof perr);
		FUZZ_CHECK(r == 0 && perr[0] == '\0');
	}
	return 0;
}
