/*
 * tls_server.c - sstpd's TLS context (net/tls_server.h): TLS 1.2 and up,
 * the whole chain of --cert served (a missing intermediate breaks Android
 * clients, SERVER.md 3), --key checked against the leaf, and the leaf's
 * SHA-1 and SHA-256 over its DER encoding for the crypto binding (MS-SSTP
 * 3.3.5.2.3: the hash of the certificate the client saw).  SIGHUP builds a
 * new SSL_CTX; an SSL keeps a reference to the context it was made on, so
 * live sessions keep theirs and the old context goes with the last one.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "crypto/crypto.h"
#include "net/tls.h"
#include "net/tls_server.h"
#include "util/log.h"

struct tls_server {
	char		*cert;
	char		*key;
	SSL_CTX		*ctx;
	uint8_t		 sha1[20];	/* of ctx's leaf */
	uint8_t		 sha256[32];
	char		 desc[384];
};

/* The leaf's hashes and a one-line description ("subject, until ..."). */
static int
tls_server_leaf(SSL_CTX *ctx, uint8_t sha1[20], uint8_t sha256[32],
    char *desc, size_t desclen, char *err, size_t errlen)
{
	X509 *leaf = SSL_CTX_get0_certificate(ctx);
	unsigned char *der = NULL;
	char subj[256];
	const ASN1_TIME *na;
	BIO *b;
	int n;

	if (leaf == NULL) {
		snprintf(err, errlen, "no certificate loaded");
		return -EINVAL;
	}
	n = i2d_X509(leaf, &der);
	if (n <= 0) {
		snprintf(err, errlen, "cannot encode the certificate");
		return -EINVAL;
	}
	if (crypto_sha1(der, (size_t)n, sha1) < 0 ||
	    crypto_sha256(der, (size_t)n, sha256) < 0) {
		OPENSSL_free(der);
		snprintf(err, errlen, "cannot hash the certificate");
		return -EINVAL;
	}
	OPENSSL_free(der);
	X509_NAME_oneline(X509_get_subject_name(leaf), subj, sizeof subj);
	na = X509_get0_notAfter(leaf);
	desc[0] = '\0';
	b = BIO_new(BIO_s_mem());
	if (b != NULL && na != NULL && ASN1_TIME_print(b, na) == 1) {
		char t[64];
		int tl = BIO_read(b, t, sizeof t - 1);

		t[tl > 0 ? tl : 0] = '\0';
		snprintf(desc, desclen, "%s, valid until %s", subj, t);
	} else
		snprintf(desc, desclen, "%s", subj);
	BIO_free(b);
	return 0;
}

/*
 * The cause of a failed load: the FIRST error of OpenSSL's queue ("PEM
 * routines: bad end line", "system library: No such file or directory");
 * the last one is only the SSL layer's wrapper ("PEM lib", "system lib").
 * Empties the queue.
 */
static void
tls_server_cause(char *buf, size_t len)
{
	unsigned long e, first;
	const char *lib, *why;

	first = ERR_get_error();
	while ((e = ERR_get_error()) != 0)
		;
	if (first == 0) {
		snprintf(buf, len, "unknown TLS error");
		return;
	}
	if (ERR_SYSTEM_ERROR(first)) {
		snprintf(buf, len, "%s", strerror(ERR_GET_REASON(first)));
		return;
	}
	lib = ERR_lib_error_string(first);
	why = ERR_reason_error_string(first);
	if (why == NULL)
		ERR_error_string_n(first, buf, len);
	else
		snprintf(buf, len, "%s%s%s", lib != NULL ? lib : "",
		    lib != NULL ? ": " : "", why);
}

/*
 * Can @path be read as a PEM file?  Checked before OpenSSL sees it, whose
 * own words for a missing file, a directory or an empty one are "system
 * lib", "no start line" or "DECODER routines: unsupported".
 */
static int
tls_server_file_ok(const char *opt, const char *path, char *err,
    size_t errlen)
{
	struct stat st;
	int fd, e;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		e = errno;
		snprintf(err, errlen, "%s %s: cannot read: %s", opt, path,
		    strerror(e));
		return -e;
	}
	e = fstat(fd, &st) < 0 ? errno : 0;
	close(fd);
	if (e != 0) {
		snprintf(err, errlen, "%s %s: cannot read: %s", opt, path,
		    strerror(e));
		return -e;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s %s: not a regular file", opt, path);
		return -EINVAL;
	}
	if (st.st_size == 0) {
		snprintf(err, errlen, "%s %s: the file is empty", opt, path);
		return -EINVAL;
	}
	return 0;
}

/* A new server context from the files; NULL with one line in @err. */
static SSL_CTX *
tls_server_load(const char *cert, const char *key, char *err, size_t errlen)
{
	SSL_CTX *ctx;
	char e[256];

	ERR_clear_error();
	ctx = SSL_CTX_new(TLS_server_method());
	if (ctx == NULL) {
		tls_error_string(e, sizeof e);
		snprintf(err, errlen, "TLS context: %s", e);
		return NULL;
	}
	SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
	/* No renegotiation, no server-side session cache (RSS per session). */
	SSL_CTX_set_options(ctx, SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_COMPRESSION);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	/*
	 * net/tls_stream.c retries SSL_write with the same length from its
	 * queue's head, which may have moved (the client's context says the
	 * same, net/tls.c): without it a retry fails "bad write retry".
	 */
	SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS |
	    SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if (tls_server_file_ok("--cert", cert, err, errlen) < 0)
		goto fail;
	if (SSL_CTX_use_certificate_chain_file(ctx, cert) != 1) {
		tls_server_cause(e, sizeof e);
		if (strstr(e, "no start line") != NULL)
			snprintf(err, errlen, "--cert %s: no PEM certificate "
			    "in it (%s)", cert, e);
		else
			snprintf(err, errlen, "--cert %s: %s", cert, e);
		goto fail;
	}
	if (tls_server_file_ok("--key", key, err, errlen) < 0)
		goto fail;
	if (SSL_CTX_use_PrivateKey_file(ctx, key, SSL_FILETYPE_PEM) != 1) {
		tls_server_cause(e, sizeof e);
		if (strstr(e, "DECODER") != NULL ||
		    strstr(e, "no start line") != NULL)
			snprintf(err, errlen, "--key %s: no PEM private key of "
			    "a known type in it (%s)", key, e);
		else
			snprintf(err, errlen, "--key %s: %s", key, e);
		goto fail;
	}
	if (SSL_CTX_check_private_key(ctx) != 1) {
		tls_server_cause(e, sizeof e);
		snprintf(err, errlen, "--key %s does not match --cert %s: %s",
		    key, cert, e);
		goto fail;
	}
	return ctx;
fail:
	SSL_CTX_free(ctx);
	return NULL;
}

struct tls_server *
tls_server_new(const char *cert, const char *key, char *err, size_t errlen)
{
	struct tls_server *t;

	if (cert == NULL || key == NULL) {
		snprintf(err, errlen, "--cert and --key are needed (or "
		    "--no-tls)");
		return NULL;
	}
	t = calloc(1, sizeof *t);
	if (t == NULL || (t->cert = strdup(cert)) == NULL ||
	    (t->key = strdup(key)) == NULL) {
		snprintf(err, errlen, "out of memory");
		tls_server_free(t);
		return NULL;
	}
	t->ctx = tls_server_load(cert, key, err, errlen);
	if (t->ctx == NULL || tls_server_leaf(t->ctx, t->sha1, t->sha256,
	    t->desc, sizeof t->desc, err, errlen) < 0) {
		tls_server_free(t);
		return NULL;
	}
	return t;
}

int
tls_server_reload(struct tls_server *t, char *err, size_t errlen)
{
	SSL_CTX *ctx;
	uint8_t sha1[20], sha256[32];
	char desc[sizeof t->desc];

	ctx = tls_server_load(t->cert, t->key, err, errlen);
	if (ctx == NULL)
		return -EINVAL;
	if (tls_server_leaf(ctx, sha1, sha256, desc, sizeof desc, err,
	    errlen) < 0) {
		SSL_CTX_free(ctx);
		return -EINVAL;
	}
	/* Live SSLs hold their own reference to the old context. */
	SSL_CTX_free(t->ctx);
	t->ctx = ctx;
	memcpy(t->sha1, sha1, sizeof sha1);
	memcpy(t->sha256, sha256, sizeof sha256);
	memcpy(t->desc, desc, sizeof desc);
	return 0;
}

SSL *
tls_server_ssl(struct tls_server *t, uint8_t sha1[20], uint8_t sha256[32])
{
	SSL *ssl = SSL_new(t->ctx);

	if (ssl == NULL)
		return NULL;
	SSL_set_accept_state(ssl);
	memcpy(sha1, t->sha1, sizeof t->sha1);
	memcpy(sha256, t->sha256, sizeof t->sha256);
	return ssl;
}

const char *
tls_server_describe(const struct tls_server *t)
{
	return t->desc;
}

void
tls_server_free(struct tls_server *t)
{
	if (t == NULL)
		return;
	SSL_CTX_free(t->ctx);
	free(t->cert);
	free(t->key);
	free(t);
}
