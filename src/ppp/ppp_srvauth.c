/*
 * ppp_srvauth.c - the PPP engine's Authenticate phase in the server role
 * (RFC 1661 3.5, sstpd): a thin adapter from the engine to the
 * authenticator of ppp/ppp_authsrv.h (PAP, MS-CHAPv2, EAP-MSCHAPv2).  The
 * secret comes from the engine's ops.lookup_secret.  Kept apart from
 * ppp_engine.c so that ppp_engine.[ch] and ppp_authsrv.h (which includes
 * ppp_engine.h) form no include cycle (support/check-layers.sh).
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "util/buf.h"
#include "ppp/ppp_engine.h"
#include "ppp/ppp_engine_int.h"
#include "ppp/ppp_authsrv.h"

_Static_assert(PPP_AUTHSRV_SEND == PPP_AUTH_SEND &&
    PPP_AUTHSRV_OK == PPP_AUTH_OK && PPP_AUTHSRV_FAIL == PPP_AUTH_FAIL,
    "the engine reads both kinds of result flags alike");

/* The engine's lookup up-call; none configured: every user is unknown. */
static int
srvauth_lookup(void *arg, const char *user, struct ppp_secret *out)
{
	struct ppp_engine *e = arg;

	if (e->ops->lookup_secret == NULL)
		return -ENOENT;
	return e->ops->lookup_secret(e->arg, user, out);
}

/* A new authenticator for e->auth_proto, and its first frame. */
int
ppp_srvauth_start(struct ppp_engine *e, struct wbuf *out)
{
	const char *name = e->conf.server_name != NULL &&
	    e->conf.server_name[0] != '\0' ? e->conf.server_name : "sstpd";

	ppp_srvauth_free(e);
	e->authsrv = ppp_auth_server_new(e->auth_proto, name, srvauth_lookup,
	    e, e->conf.rand_hook);
	if (e->authsrv == NULL)
		return -ENOMEM;
	ppp_auth_server_set_log_ctx(e->authsrv, e->conf.log_ctx);
	return ppp_auth_server_start(e->authsrv, out);
}

/* One PAP/CHAP/EAP frame from the peer. */
int
ppp_srvauth_input(struct ppp_engine *e, uint16_t proto, struct bcur info,
    struct wbuf *out)
{
	if (e->authsrv == NULL)
		return -EBADMSG;
	return ppp_auth_server_input(e->authsrv, proto, info, out);
}

/* The method's restart timer fired (RFC 1994 4.1, RFC 3748 4.3). */
int
ppp_srvauth_timeout(struct ppp_engine *e, struct wbuf *out)
{
	if (e->authsrv == NULL)
		return 0;
	return ppp_auth_server_timeout(e->authsrv, out);
}

/* Does a Challenge/Request wait for its answer? */
bool
ppp_srvauth_wants_timer(const struct ppp_engine *e)
{
	return e->authsrv != NULL && ppp_auth_server_wants_timer(e->authsrv);
}

/* The keys in the client's orientation (ppp/auth_keys.h). */
int
ppp_srvauth_keys(const struct ppp_engine *e, struct ppp_auth_keys *k)
{
	if (e->authsrv == NULL)
		return -EINVAL;
	return ppp_auth_server_keys(e->authsrv, k);
}

/* The authenticated peer's name ("" before). */
const char *
ppp_srvauth_user(const struct ppp_engine *e)
{
	return e->authsrv != NULL ? ppp_auth_server_user(e->authsrv) : "";
}

/* The fixed address of the peer's secrets line (0: none). */
uint32_t
ppp_srvauth_addr4(const struct ppp_engine *e)
{
	return e->authsrv != NULL ? ppp_auth_server_addr4(e->authsrv) : 0;
}

/* Why the authenticator refused, one line. */
const char *
ppp_srvauth_reason(const struct ppp_engine *e)
{
	return e->authsrv != NULL ? ppp_auth_server_reason(e->authsrv) : "";
}

/* Free (and so wipe) the authenticator. */
void
ppp_srvauth_free(struct ppp_engine *e)
{
	ppp_auth_server_free(e->authsrv);
	e->authsrv = NULL;
}
