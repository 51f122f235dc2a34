/*
 * proxy.h - the HTTP proxy CONNECT client (RFC 9110 section 9.3.6).
 *
 * On a connected stream it sends "CONNECT host:port", reads the proxy's
 * reply, answers a 407 with credentials (Basic, RFC 7617; Digest, RFC 7616;
 * wire/http_auth.h) on a new connection that its owner opens, and reports
 * either the tunnel up or one failure with one line naming the cause.
 *
 * With a user in the proxy URL the first CONNECT already carries Basic
 * credentials (as curl does): one round trip, and no 407 to race the
 * proxy's close.  A proxy that wants Digest answers 407 with its challenge
 * and the next CONNECT carries Digest instead.
 */
#ifndef SSTPC_PROXY_H
#define SSTPC_PROXY_H

#include <stddef.h>
#include <stdint.h>

struct stream;
struct proxy;

/* What the CONNECT client tells its owner. */
struct proxy_ops {
	/*
	 * The proxy asked for (other) credentials: close the current stream,
	 * connect to the proxy again and call proxy_start() with the new
	 * stream.  (A 407 often comes with Connection: close; a new
	 * connection works with every proxy.)
	 */
	void	(*reconnect)(void *arg);
	/*
	 * The tunnel is up: the stream now carries the server's bytes (and
	 * the proxy no longer reads it).
	 */
	void	(*up)(void *arg);
	/*
	 * No tunnel: msg is one line naming the cause.  Every such failure
	 * means the server cannot be reached through the proxy (sstpc's exit
	 * status 3); the proxy no longer uses the stream.
	 */
	void	(*failed)(void *arg, const char *msg);
};

/* The CONNECT target and the proxy credentials. */
struct proxy_conf {
	const char	*host;		/* the SSTP server, CONNECT target */
	uint16_t	 port;
	const char	*user;		/* NULL: send no credentials */
	const char	*pass;		/* secret; "" when the URL had none */
};

/*
 * A CONNECT client for conf (the host is copied; user and pass are
 * borrowed and must outlive it).  Returns NULL when out of memory.
 */
struct proxy	*proxy_new(const struct proxy_conf *conf,
		    const struct proxy_ops *ops, void *arg);
/* Send CONNECT on st, a stream just connected to the proxy. */
void		 proxy_start(struct proxy *, struct stream *st);
/*
 * Bytes of the proxy's reply (the owner's stream input while the CONNECT is
 * pending).  Returns the bytes consumed; may call one of the ops.
 */
size_t		 proxy_input(struct proxy *, const uint8_t *buf, size_t len);
/* The stream ended before the reply was complete (msg: why). */
void		 proxy_closed(struct proxy *, const char *msg);
/* Free (credentials derived from conf are zeroized). */
void		 proxy_free(struct proxy *);

#endif /* SSTPC_PROXY_H */
