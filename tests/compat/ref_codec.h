/*
 * ref_codec.h - sstpc's own sstp-api codec (include/sstp-api.h) behind names
 * that do not clash with the 1.0.18-compatible header, so that a test can
 * compare the two (both headers define SSTP_API_ATTR_* and cannot share a
 * translation unit).
 */
#ifndef SSTPC_TESTS_COMPAT_REF_CODEC_H
#define SSTPC_TESTS_COMPAT_REF_CODEC_H

#include <stddef.h>
#include <stdint.h>

/* A message as sstpc's parser decoded it. */
struct ref_msg {
	int		type;
	unsigned int	present;	/* bit (1 << attr type) */
	size_t		send_len, recv_len, gw_len, addr_len;
	uint8_t		send[64], recv[64], addr[128];
	char		gw[256];
};

/* Builders: 0 and *outlen, or the codec's negative errno. */
int	ref_build_auth(uint8_t *out, size_t cap, size_t *outlen,
	    const uint8_t *sk, size_t sl, const uint8_t *rk, size_t rl);
int	ref_build_addr_req(uint8_t *out, size_t cap, size_t *outlen);
int	ref_build_ack(uint8_t *out, size_t cap, size_t *outlen);
int	ref_build_ack_addr(uint8_t *out, size_t cap, size_t *outlen,
	    const char *gw, size_t gw_len, const void *sa, size_t sa_len);
/* Parse one whole message of exactly len octets; 0 or negative errno. */
int	ref_parse(const uint8_t *in, size_t len, struct ref_msg *m);
/* SSTP_API_MSG_MAX of the codec. */
size_t	ref_msg_max(void);

#endif /* SSTPC_TESTS_COMPAT_REF_CODEC_H */
