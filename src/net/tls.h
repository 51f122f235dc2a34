/*
 * tls.h - TLS client context, server verification and non-blocking record I/O.
 */
#ifndef SSTPC_TLS_H
#define SSTPC_TLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

struct tls_conf {
	const char	*ca_file;	/* --ca-cert, added to the system store */
	const char	*ca_path;	/* --ca-path, added to the system store */
	const char	*crl_file;
	const char	*crl_path;
	const char	*verify_name;	/* host name or IP literal to match */
	const char	*sni;		/* server_name to send, NULL = none */
	bool		 cert_warn;	/* chain/name failures only warn */
	bool		 have_pin;
	uint8_t		 pin_sha256[32];
	int		 min_version;	/* TLS1_2_VERSION etc, 0 = default */
	int		 max_version;	/* 0 = highest */
};

/* What the handshake told us about the server. */
struct tls_peer {
	uint8_t		 cert_sha1[20];
	uint8_t		 cert_sha256[32];
	char		 version[16];
	char		 cipher[64];
	char		 subject[256];
	bool		 verified;	/* chain and name ok (not just warned) */
};

/* Create the client SSL_CTX: system store plus conf's CAs/CRLs, versions. */
SSL_CTX	*tls_ctx_new(const struct tls_conf *, char *err, size_t errlen);
/* New SSL for one connection on fd: SNI and host check parameters set. */
SSL	*tls_ssl_new(SSL_CTX *, const struct tls_conf *, int fd, char *err,
	    size_t errlen);
/*
 * After the handshake: enforce the verification policy (chain, name, EKU,
 * pin) and fill *peer.  Returns 0 (go on) or -EPERM with a one-line reason.
 * Nothing has been sent to the server but the handshake when this runs.
 */
int	tls_check_peer(SSL *, const struct tls_conf *, struct tls_peer *,
	    char *err, size_t errlen);
/* One-line description of the most recent OpenSSL error (drains the queue). */
void	tls_error_string(char *buf, size_t len);

#endif /* SSTPC_TLS_H */
