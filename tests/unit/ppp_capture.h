/*
 * ppp_capture.h - the frame recorder shared by the PPP-layer unit tests:
 * fake to_server/to_pppd callbacks that keep the frames they are given.
 * Define CAP_N before including to change the capacity.
 */
#ifndef SSTPC_TEST_PPP_CAPTURE_H
#define SSTPC_TEST_PPP_CAPTURE_H

#include <stdint.h>
#include <string.h>

#include "ppp/ppp_cp.h"

#ifndef CAP_N
#define CAP_N	32
#endif

struct cap {
	int	n;
	size_t	len[CAP_N];
	uint8_t	f[CAP_N][PPP_FRAME_MAX];
};

static struct cap to_srv, to_ppp;

static void
cap_add(struct cap *c, const uint8_t *f, size_t len)
{
	if (c->n < CAP_N && len <= sizeof c->f[0]) {
		memcpy(c->f[c->n], f, len);
		c->len[c->n] = len;
	}
	c->n++;
}

static void
cb_srv(void *arg, const uint8_t *f, size_t len)
{
	cap_add(&to_srv, f, len);
}

static void
cb_ppp(void *arg, const uint8_t *f, size_t len)
{
	cap_add(&to_ppp, f, len);
}

#endif /* SSTPC_TEST_PPP_CAPTURE_H */
