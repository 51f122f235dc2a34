/*
 * test_tls_server.c - sstpd's TLS context (net/tls_server.c): the leaf's
 * hashes are those of its DER encoding (MS-SSTP 3.3.5.2.3), the chain is
 * served, a SIGHUP reload gives new SSLs the new certificate while an SSL
 * made before keeps its own (a live session's binding), a failed reload
 * keeps the old context, and a key that does not match is refused.  The
 * certificates are made here with OpenSSL (EC P-256, self-signed) in a
 * private temporary directory; the handshakes run over a socketpair.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "crypto/crypto.h"
#include "harness.h"
#include "net/tls_server.h"

static char dir[64];

/* A self-signed certificate and its key into DIR/NAME.pem, NAME.key. */
static int
mkcert(const char *name, const char *cn, uint8_t sha256[32])
{
	EVP_PKEY *pk = EVP_EC_gen("P-256");
	X509 *x = X509_new();
	X509_NAME *n;
	unsigned char *der = NULL;
	char path[128];
	FILE *f;
	int len;

	if (pk == NULL || x == NULL)
		return -1;
	ASN1_INTEGER_set(X509_get_serialNumber(x), 1);
	X509_gmtime_adj(X509_getm_notBefore(x), 0);
	X509_gmtime_adj(X509_getm_notAfter(x), 3600);
	X509_set_pubkey(x, pk);
	n = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
	    (const unsigned char *)cn, -1, -1, 0);
	X509_set_issuer_name(x, n);
	if (X509_sign(x, pk, EVP_sha256()) == 0)
		return -1;
	snprintf(path, sizeof path, "%s/%s.pem", dir, name);
	f = fopen(path, "w");
	PEM_write_X509(f, x);
	fclose(f);
	snprintf(path, sizeof path, "%s/%s.key", dir, name);
	f = fopen(path, "w");
	PEM_write_PrivateKey(f, pk, NULL, NULL, 0, NULL, NULL);
	fclose(f);
	len = i2d_X509(x, &der);
	crypto_sha256(der, (size_t)len, sha256);
	OPENSSL_free(der);
	X509_free(x);
	EVP_PKEY_free(pk);
	return 0;
}

/* Copy DIR/FROM.{pem,key} over DIR/TO.{pem,key} (a renewal in place). */
static void
renew(const char *from, const char *to, const char *ext)
{
	char a[128], b[128], buf[8192];
	ssize_t n;
	int in, out;

	snprintf(a, sizeof a, "%s/%s.%s", dir, from, ext);
	snprintf(b, sizeof b, "%s/%s.%s", dir, to, ext);
	in = open(a, O_RDONLY);
	out = open(b, O_WRONLY | O_TRUNC | O_CREAT, 0600);
	while ((n = read(in, buf, sizeof buf)) > 0)
		(void)!write(out, buf, (size_t)n);
	close(in);
	close(out);
}

/* A client handshake against @srv_ssl; the SHA-256 of what it saw. */
static int
handshake(SSL *srv_ssl, uint8_t seen[32])
{
	SSL_CTX *cctx = SSL_CTX_new(TLS_client_method());
	SSL *c;
	X509 *peer;
	unsigned char *der = NULL;
	int sv[2], i, rc = -1, a = 0, b = 0, len;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return -1;
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	c = SSL_new(cctx);
	SSL_set_fd(c, sv[0]);
	SSL_set_connect_state(c);
	SSL_set_fd(srv_ssl, sv[1]);
	for (i = 0; i < 100 && (a != 1 || b != 1); i++) {
		if (a != 1)
			a = SSL_do_handshake(c);
		if (b != 1)
			b = SSL_do_handshake(srv_ssl);
	}
	if (a == 1 && b == 1 && (peer = SSL_get1_peer_certificate(c))) {
		len = i2d_X509(peer, &der);
		crypto_sha256(der, (size_t)len, seen);
		OPENSSL_free(der);
		X509_free(peer);
		rc = 0;
	}
	SSL_free(c);
	SSL_CTX_free(cctx);
	close(sv[0]);
	close(sv[1]);
	return rc;
}

int
main(void)
{
	struct tls_server *t;
	uint8_t h_a[32], h_b[32], s1[20], s256[32], old256[32], seen[32];
	uint8_t sha1_a[20];
	char err[256], path[128], key[128], cert[128];
	SSL *live, *fresh;
	unsigned char *der = NULL;
	X509 *x;
	FILE *f;
	int len, fd;

	snprintf(dir, sizeof dir, "test_tls_server.XXXXXX");
	if (mkdtemp(dir) == NULL)
		return 1;
	if (mkcert("a", "first.test", h_a) < 0 ||
	    mkcert("b", "second.test", h_b) < 0 ||
	    mkcert("live", "first.test", seen) < 0)
		return 1;
	/* "live" is the path sstpd is configured with; a is its content. */
	renew("a", "live", "pem");
	renew("a", "live", "key");

	TEST_START("load: the leaf's SHA-256 and SHA-1 over its DER");
	snprintf(path, sizeof path, "%s/live.pem", dir);
	snprintf(key, sizeof key, "%s/live.key", dir);
	t = tls_server_new(path, key, err, sizeof err);
	ASSERT_PTR_NOT_NULL(t);
	if (t == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	live = tls_server_ssl(t, s1, s256);
	ASSERT_PTR_NOT_NULL(live);
	ASSERT_MEM_EQ(s256, h_a, 32);
	snprintf(path, sizeof path, "%s/a.pem", dir);
	f = fopen(path, "r");
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	len = i2d_X509(x, &der);
	crypto_sha1(der, (size_t)len, sha1_a);
	OPENSSL_free(der);
	X509_free(x);
	ASSERT_MEM_EQ(s1, sha1_a, 20);
	ASSERT_TRUE(strstr(tls_server_describe(t), "first.test") != NULL);
	ASSERT_TRUE(SSL_is_server(live));
	/* What net/tls_stream.c's SSL_write retries need (a moved head). */
	ASSERT_TRUE((SSL_get_mode(live) &
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER) != 0);
	ASSERT_TRUE((SSL_get_mode(live) & SSL_MODE_ENABLE_PARTIAL_WRITE) != 0);
	TEST_DONE();

	TEST_START("reload: new SSLs bind to the renewed certificate");
	memcpy(old256, s256, 32);
	renew("b", "live", "pem");
	renew("b", "live", "key");
	ASSERT_INT_EQ(tls_server_reload(t, err, sizeof err), 0);
	fresh = tls_server_ssl(t, s1, s256);
	ASSERT_MEM_EQ(s256, h_b, 32);
	ASSERT_TRUE(strstr(tls_server_describe(t), "second.test") != NULL);
	ASSERT_INT_EQ(handshake(fresh, seen), 0);
	ASSERT_MEM_EQ(seen, h_b, 32);
	TEST_DONE();

	TEST_START("reload: an SSL made before keeps its certificate");
	ASSERT_INT_EQ(handshake(live, seen), 0);
	ASSERT_MEM_EQ(seen, old256, 32);
	SSL_free(live);
	SSL_free(fresh);
	TEST_DONE();

	TEST_START("reload: a key that does not match keeps the old context");
	renew("a", "live", "key");	/* b's certificate, a's key */
	err[0] = '\0';
	ASSERT_INT_EQ(tls_server_reload(t, err, sizeof err), -EINVAL);
	printf("  (%s)\n", err);
	ASSERT_TRUE(strncmp(err, "--key ", 6) == 0);
	ASSERT_TRUE(strstr(err, "mismatch") != NULL ||
	    strstr(err, "does not match") != NULL);
	fresh = tls_server_ssl(t, s1, s256);
	ASSERT_MEM_EQ(s256, h_b, 32);
	ASSERT_INT_EQ(handshake(fresh, seen), 0);
	ASSERT_MEM_EQ(seen, h_b, 32);
	SSL_free(fresh);
	tls_server_free(t);
	TEST_DONE();

	TEST_START("new: a missing file is one line naming the option");
	snprintf(path, sizeof path, "%s/none.pem", dir);
	ASSERT_PTR_NULL(tls_server_new(path, key, err, sizeof err));
	ASSERT_TRUE(strncmp(err, "--cert ", 7) == 0);
	/* the cause, not OpenSSL's wrapper error ("system lib") */
	printf("  (%s)\n", err);
	ASSERT_TRUE(strstr(err, "cannot read: No such file or directory") !=
	    NULL);
	TEST_DONE();

	TEST_START("new: a directory, an empty or a wrong file: said so");
	ASSERT_PTR_NULL(tls_server_new(dir, key, err, sizeof err));
	printf("  (%s)\n", err);
	ASSERT_TRUE(strstr(err, "--cert ") == err);
	ASSERT_TRUE(strstr(err, ": not a regular file") != NULL);
	snprintf(path, sizeof path, "%s/empty.key", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ASSERT_INT_GE(fd, 0);
	close(fd);
	snprintf(cert, sizeof cert, "%s/a.pem", dir);
	ASSERT_PTR_NULL(tls_server_new(cert, path, err, sizeof err));
	printf("  (%s)\n", err);
	ASSERT_TRUE(strstr(err, "--key ") == err);
	ASSERT_TRUE(strstr(err, ": the file is empty") != NULL);
	/* a certificate where the key should be */
	ASSERT_PTR_NULL(tls_server_new(cert, cert, err, sizeof err));
	printf("  (%s)\n", err);
	ASSERT_TRUE(strstr(err, ": no PEM private key") != NULL);
	/* a key where the certificate should be */
	snprintf(path, sizeof path, "%s/a.key", dir);
	ASSERT_PTR_NULL(tls_server_new(path, path, err, sizeof err));
	printf("  (%s)\n", err);
	ASSERT_TRUE(strstr(err, ": no PEM certificate") != NULL);
	TEST_DONE();

	TEST_START("reload: a truncated certificate file names the PEM error");
	renew("a", "live", "pem");
	renew("a", "live", "key");
	snprintf(path, sizeof path, "%s/live.pem", dir);
	snprintf(key, sizeof key, "%s/live.key", dir);
	t = tls_server_new(path, key, err, sizeof err);
	ASSERT_PTR_NOT_NULL(t);
	ASSERT_INT_EQ(truncate(path, 300), 0);
	ASSERT_INT_EQ(tls_server_reload(t, err, sizeof err), -EINVAL);
	printf("  (%s)\n", err);
	ASSERT_TRUE(strncmp(err, "--cert ", 7) == 0);
	ASSERT_TRUE(strstr(err, "PEM routines: bad end line") != NULL);
	fresh = tls_server_ssl(t, s1, s256);
	ASSERT_MEM_EQ(s256, h_a, 32);
	SSL_free(fresh);
	tls_server_free(t);
	TEST_DONE();

	snprintf(path, sizeof path, "rm -rf '%s'", dir);
	(void)!system(path);
	return th_failures ? 1 : 0;
}
