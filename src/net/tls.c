/*
 * tls.c - TLS client setup and server certificate verification.
 *
 * Policy (REFERENCE-CLIENT.md 9, S1-S6; MS-SSTP 3.2.4.1):
 *  - the chain is checked against the system default store, and --ca-cert /
 *    --ca-path are ADDED to it (1.0.18 replaced it, which broke systems
 *    without a hashed /etc/ssl/certs);
 *  - the host name (or IP literal) is checked against the SAN with
 *    OpenSSL's RFC 6125 matcher (1.0.18 never checked names at all); a
 *    certificate without any DNS SAN is matched on its subject CN
 *    (RFC 6125 6.4.4 permits it, MS-SSTP 3.2.4.1 names the CN, and
 *    self-made RRAS certificates often carry only a CN);
 *  - the leaf must allow serverAuth (or anyExtendedKeyUsage) when it has an
 *    EKU extension (MS-SSTP 3.2.4.1);
 *  - --server-cert-sha256 pins the leaf: a pinned leaf is accepted even when
 *    the chain is private, any other leaf is refused;
 *  - --cert-warn turns chain and name failures into loud warnings;
 *  - all of this runs right after the handshake, before any HTTP byte.
 * The handshake itself runs with SSL_VERIFY_NONE so that the decision and
 * its one-line message are ours; OpenSSL still builds and checks the chain
 * and records the result, which SSL_get_verify_result() returns.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "util/ctype.h"
#include "util/log.h"
#include "net/tls.h"

/*
 * Ciphers for TLS <= 1.2: forward-secret AEAD first; no 3DES, RC4, or
 * CBC-SHA1 unless the user asked for TLS 1.0/1.1 (legacy servers).
 */
#define TLS_CIPHERS_DEFAULT \
	"ECDHE+AESGCM:ECDHE+CHACHA20:DHE+AESGCM:DHE+CHACHA20:ECDHE+AES+SHA256:" \
	"ECDHE+AES+SHA384:!aNULL:!eNULL:!MD5:!3DES:!RC4"
#define TLS_CIPHERS_LEGACY	"DEFAULT:!aNULL:!eNULL:!MD5:!RC4:@SECLEVEL=0"

void
tls_error_string(char *buf, size_t len)
{
	unsigned long e, last = 0;

	while ((e = ERR_get_error()) != 0)
		last = e;
	if (last == 0)
		snprintf(buf, len, "unknown TLS error");
	else
		ERR_error_string_n(last, buf, len);
}

/* Does dir hold OpenSSL hash links ("1a2b3c4d.0")? */
static bool
tls_dir_is_hashed(const char *dir)
{
	struct dirent *e;
	bool found = false;
	size_t i;
	DIR *d;

	d = opendir(dir);
	if (d == NULL)
		return false;
	while (!found && (e = readdir(d)) != NULL) {
		for (i = 0; i < 8 && hex_val((uint8_t)e->d_name[i]) >= 0; i++)
			;
		found = i == 8 && e->d_name[8] == '.' &&
		    is_digit((uint8_t)e->d_name[9]);
	}
	closedir(d);
	return found;
}

/*
 * The system trust store.  Where the default directory is hashed (Debian,
 * Fedora, ...), look certificates up there lazily, one file per issuer,
 * instead of parsing the whole bundle file at start: that parse was most
 * of the start-up CPU (about 20 ms).  Without hash links (the NixOS case of
 * REFERENCE-CLIENT.md 8 item 1), or when SSL_CERT_FILE / SSL_CERT_DIR are
 * set, use OpenSSL's defaults, bundle file included.
 */
static void
tls_system_store(SSL_CTX *ctx)
{
	const char *dir = X509_get_default_cert_dir();
	X509_LOOKUP *lu;

	if (getenv(X509_get_default_cert_file_env()) == NULL &&
	    getenv(X509_get_default_cert_dir_env()) == NULL &&
	    tls_dir_is_hashed(dir)) {
		lu = X509_STORE_add_lookup(SSL_CTX_get_cert_store(ctx),
		    X509_LOOKUP_hash_dir());
		if (lu != NULL && X509_LOOKUP_add_dir(lu, dir,
		    X509_FILETYPE_PEM))
			return;
	}
	if (!SSL_CTX_set_default_verify_paths(ctx))
		log_warn("cannot load the system certificate store");
}

SSL_CTX *
tls_ctx_new(const struct tls_conf *conf, char *err, size_t errlen)
{
	SSL_CTX *ctx;
	X509_STORE *store;
	int minv = conf->min_version != 0 ? conf->min_version : TLS1_2_VERSION;
	char e[256];

	ctx = SSL_CTX_new(TLS_client_method());
	if (ctx == NULL) {
		tls_error_string(e, sizeof e);
		snprintf(err, errlen, "cannot create TLS context: %s", e);
		return NULL;
	}
	SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION |
	    SSL_OP_NO_RENEGOTIATION);
	/* Our writer retries with the same (possibly moved) buffer. */
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (!SSL_CTX_set_min_proto_version(ctx, minv) ||
	    (conf->max_version != 0 &&
	    !SSL_CTX_set_max_proto_version(ctx, conf->max_version))) {
		snprintf(err, errlen, "unsupported TLS version range");
		goto fail;
	}
	if (!SSL_CTX_set_cipher_list(ctx, minv < TLS1_2_VERSION ?
	    TLS_CIPHERS_LEGACY : TLS_CIPHERS_DEFAULT)) {
		snprintf(err, errlen, "cannot set the TLS cipher list");
		goto fail;
	}
	if (minv < TLS1_2_VERSION)
		log_warn("TLS versions below 1.2 allowed by --tls-min: use only "
		    "for legacy servers");

	/* S1: system store first, the user's CAs in addition. */
	tls_system_store(ctx);
	if ((conf->ca_file != NULL || conf->ca_path != NULL) &&
	    !SSL_CTX_load_verify_locations(ctx, conf->ca_file, conf->ca_path)) {
		tls_error_string(e, sizeof e);
		snprintf(err, errlen, "cannot load CA certificates from %s: %s",
		    conf->ca_file != NULL ? conf->ca_file : conf->ca_path, e);
		goto fail;
	}
	store = SSL_CTX_get_cert_store(ctx);
	if (conf->crl_file != NULL || conf->crl_path != NULL) {
		X509_LOOKUP *lu;

		if (conf->crl_file != NULL) {
			lu = X509_STORE_add_lookup(store, X509_LOOKUP_file());
			if (lu == NULL || X509_load_crl_file(lu, conf->crl_file,
			    X509_FILETYPE_PEM) <= 0) {
				tls_error_string(e, sizeof e);
				snprintf(err, errlen, "cannot load CRL file %s: %s",
				    conf->crl_file, e);
				goto fail;
			}
		}
		if (conf->crl_path != NULL) {
			lu = X509_STORE_add_lookup(store,
			    X509_LOOKUP_hash_dir());
			if (lu == NULL || !X509_LOOKUP_add_dir(lu,
			    conf->crl_path, X509_FILETYPE_PEM)) {
				snprintf(err, errlen, "cannot use CRL directory %s",
				    conf->crl_path);
				goto fail;
			}
		}
		X509_STORE_set_flags(store, X509_V_FLAG_CRL_CHECK);
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_verify_depth(ctx, 10);
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

/* Is s an IPv4 or IPv6 literal? */
static bool
tls_is_ip_literal(const char *s)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, s, buf) == 1 ||
	    inet_pton(AF_INET6, s, buf) == 1;
}

SSL *
tls_ssl_new(SSL_CTX *ctx, const struct tls_conf *conf, int fd, char *err,
    size_t errlen)
{
	X509_VERIFY_PARAM *vp;
	SSL *ssl;

	ssl = SSL_new(ctx);
	if (ssl == NULL) {
		snprintf(err, errlen, "cannot create TLS session");
		return NULL;
	}
	vp = SSL_get0_param(ssl);
	X509_VERIFY_PARAM_set_hostflags(vp,
	    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	if (conf->verify_name != NULL) {
		int ok = tls_is_ip_literal(conf->verify_name) ?
		    X509_VERIFY_PARAM_set1_ip_asc(vp, conf->verify_name) :
		    X509_VERIFY_PARAM_set1_host(vp, conf->verify_name, 0);

		if (!ok) {
			snprintf(err, errlen, "bad name for verification: %s",
			    conf->verify_name);
			SSL_free(ssl);
			return NULL;
		}
	}
	/* S5: SNI is the bare host name; never an IP literal (RFC 6066 3). */
	if (conf->sni != NULL && !tls_is_ip_literal(conf->sni) &&
	    !SSL_set_tlsext_host_name(ssl, conf->sni)) {
		snprintf(err, errlen, "cannot set SNI to %s", conf->sni);
		SSL_free(ssl);
		return NULL;
	}
	if (!SSL_set_fd(ssl, fd)) {
		snprintf(err, errlen, "cannot attach the socket to TLS");
		SSL_free(ssl);
		return NULL;
	}
	SSL_set_connect_state(ssl);
	return ssl;
}

/*
 * MS-SSTP 3.2.4.1: the server certificate must allow server authentication.
 * A certificate without an EKU extension is unrestricted (RFC 5280 4.2.1.12).
 */
static bool
tls_eku_ok(X509 *leaf)
{
	uint32_t xku = X509_get_extended_key_usage(leaf);

	if (xku == UINT32_MAX)
		return true;
	return (xku & (XKU_SSL_SERVER | XKU_ANYEKU)) != 0;
}

/*
 * The leaf's name against name, as the handshake's check does (RFC 6125
 * with no partial wildcards, CN only without a DNS SAN, IP literals against
 * IP SANs).  True when there is no name to check.
 */
static bool
tls_name_ok(X509 *leaf, const char *name)
{
	if (name == NULL)
		return true;
	if (tls_is_ip_literal(name))
		return X509_check_ip_asc(leaf, name, 0) == 1;
	return X509_check_host(leaf, name, 0,
	    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, NULL) == 1;
}

int
tls_check_peer(SSL *ssl, const struct tls_conf *conf, struct tls_peer *peer,
    char *err, size_t errlen)
{
	unsigned int n;
	long vr;
	X509 *leaf;
	const char *why = NULL;
	char whybuf[640];
	bool pinned = false;

	memset(peer, 0, sizeof *peer);
	leaf = SSL_get1_peer_certificate(ssl);
	if (leaf == NULL) {
		snprintf(err, errlen, "server sent no certificate");
		return -EPERM;
	}
	X509_NAME_oneline(X509_get_subject_name(leaf), peer->subject,
	    sizeof peer->subject);
	snprintf(peer->version, sizeof peer->version, "%s", SSL_get_version(ssl));
	snprintf(peer->cipher, sizeof peer->cipher, "%s",
	    SSL_CIPHER_get_name(SSL_get_current_cipher(ssl)));
	/* Crypto binding hashes the leaf's full DER (PROTOCOL.md 1.1). */
	n = sizeof peer->cert_sha1;
	if (!X509_digest(leaf, EVP_sha1(), peer->cert_sha1, &n) || n != 20)
		goto digest_fail;
	n = sizeof peer->cert_sha256;
	if (!X509_digest(leaf, EVP_sha256(), peer->cert_sha256, &n) || n != 32)
		goto digest_fail;

	if (conf->have_pin) {
		if (CRYPTO_memcmp(conf->pin_sha256, peer->cert_sha256, 32) != 0) {
			snprintf(err, errlen, "server certificate does not match "
			    "--server-cert-sha256 (subject %s)", peer->subject);
			X509_free(leaf);
			return -EPERM;
		}
		pinned = true;
	}

	vr = SSL_get_verify_result(ssl);
	/* EKU is not waived by --cert-warn: it is a MUST of MS-SSTP 3.2.4.1. */
	if (!pinned && (vr == X509_V_ERR_INVALID_PURPOSE || !tls_eku_ok(leaf))) {
		snprintf(err, errlen, "server certificate is not valid for TLS "
		    "server authentication (no serverAuth EKU): %s",
		    peer->subject);
		X509_free(leaf);
		return -EPERM;
	}
	if (vr == X509_V_ERR_HOSTNAME_MISMATCH ||
	    vr == X509_V_ERR_IP_ADDRESS_MISMATCH) {
		snprintf(whybuf, sizeof whybuf, "certificate name does not "
		    "match '%s' (subject %s)", conf->verify_name != NULL ?
		    conf->verify_name : "?", peer->subject);
		why = whybuf;
	} else if (vr != X509_V_OK && vr != X509_V_ERR_INVALID_PURPOSE) {
		/*
		 * OpenSSL stops at the first error, and the chain is checked
		 * before the name: check the name here too, so that
		 * --cert-warn (and the error) names both failures.
		 */
		bool name_ok = tls_name_ok(leaf, conf->verify_name);

		snprintf(whybuf, sizeof whybuf, "certificate verification "
		    "failed: %s (subject %s)%s%s%s",
		    X509_verify_cert_error_string(vr), peer->subject,
		    name_ok ? "" : "; and the certificate name does not "
		    "match '", name_ok ? "" : conf->verify_name,
		    name_ok ? "" : "'");
		why = whybuf;
	}
	X509_free(leaf);

	if (why == NULL) {
		peer->verified = true;
		return 0;
	}
	if (pinned) {
		log_info("%s; accepted because the certificate matches the pin",
		    why);
		return 0;
	}
	if (conf->cert_warn) {
		log_warn("INSECURE: %s; continuing because of --cert-warn", why);
		return 0;
	}
	snprintf(err, errlen, "%s", why);
	return -EPERM;
digest_fail:
	X509_free(leaf);
	snprintf(err, errlen, "cannot hash the server certificate");
	return -EPERM;
}
