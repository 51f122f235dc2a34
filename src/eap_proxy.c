/*
 * eap_proxy.c - placeholder: being written (see eap_proxy.h).  main.c
 * refuses --eap-auth until this module is complete.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>

#include "eap_proxy.h"

struct eap_proxy {
	const struct eap_proxy_ops	*ops;
	void				*arg;
};

struct eap_proxy *
eap_proxy_new(const char *user, const char *password,
    const struct eap_proxy_ops *ops, void *arg)
{
	struct eap_proxy *p = calloc(1, sizeof *p);

	if (p != NULL) {
		p->ops = ops;
		p->arg = arg;
	}
	return p;
}

void
eap_proxy_from_pppd(struct eap_proxy *p, uint64_t now, const uint8_t *f,
    size_t len)
{
	p->ops->to_server(p->arg, f, len);
}

void
eap_proxy_from_server(struct eap_proxy *p, uint64_t now, const uint8_t *f,
    size_t len)
{
	p->ops->to_pppd(p->arg, f, len);
}

void
eap_proxy_timer(struct eap_proxy *p, uint64_t now)
{
}

uint64_t
eap_proxy_deadline(const struct eap_proxy *p)
{
	return UINT64_MAX;
}

void
eap_proxy_free(struct eap_proxy *p)
{
	free(p);
}
