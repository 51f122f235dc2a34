/*
 * main.c - sstpd's entry point: the configuration (sstpd/conf.c), the
 * modes (--list and --disconnect talk to a running sstpd over its control
 * socket; --check-config loads and exits), then the server: setup with
 * privileges (TUN, ports below 1024), the drop to --user, the loop.  The
 * only place that exits; the statuses are sstpd.8's EXIT STATUS.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <event2/event.h>

#include "net/tls_server.h"
#include "sstpd/conf.h"
#include "sstpd/control.h"
#include "sstpd/secrets.h"
#include "sstpd/server.h"
#include "sys/priv.h"
#include "util/log.h"

/* --list / --disconnect ID: one request to the running daemon. */
static int
main_control(const struct sstpd_conf *c)
{
	struct ctl_req req;

	memset(&req, 0, sizeof req);
	if (c->mode == SSTPD_LIST)
		req.cmd = CTL_LIST;
	else {
		req.cmd = CTL_DISCONNECT;
		if (strlen(c->disconnect_id) >= sizeof req.id) {
			fprintf(stderr, "sstpd: --disconnect %s: not a "
			    "session id (16 hex digits)\n", c->disconnect_id);
			return SSTPD_EXIT_USAGE;
		}
		memcpy(req.id, c->disconnect_id, strlen(c->disconnect_id) + 1);
	}
	return ctl_client_run(c->control_path, &req, stdout, stderr);
}

/* Can @path be read as a regular file?  0, or -1 with one line on stderr. */
static int
main_check_file(const char *opt, const char *path)
{
	struct stat st;
	int fd, e;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0 || fstat(fd, &st) < 0) {
		e = errno;
		if (fd >= 0)
			close(fd);
		fprintf(stderr, "sstpd: %s %s: cannot read: %s\n", opt, path,
		    strerror(e));
		return -1;
	}
	close(fd);
	if (!S_ISREG(st.st_mode)) {
		fprintf(stderr, "sstpd: %s %s: not a regular file\n", opt,
		    path);
		return -1;
	}
	return 0;
}

/*
 * The pppd backend's files: pppd runnable, its options file and the
 * plugin readable (a name without '/' is looked up by pppd in its plugin
 * directory, as pppd(8) "plugin" does).
 */
static int
main_check_pppd(const struct sstpd_conf *c)
{
	char plugin[1024];

	if (access(c->pppd_path, X_OK) < 0) {
		fprintf(stderr, "sstpd: --pppd-path %s: %s\n", c->pppd_path,
		    strerror(errno));
		return -1;
	}
	if (c->pppd_options != NULL &&
	    main_check_file("--pppd-options", c->pppd_options) < 0)
		return -1;
	if (c->plugin_path != NULL) {
		if (strchr(c->plugin_path, '/') != NULL)
			snprintf(plugin, sizeof plugin, "%s", c->plugin_path);
		else
			snprintf(plugin, sizeof plugin, "%s/%s",
			    SSTPC_PLUGIN_DIR, c->plugin_path);
		if (main_check_file("--plugin", plugin) < 0)
			return -1;
	}
	printf("pppd: %s%s%s, plugin %s\n", c->pppd_path,
	    c->pppd_options != NULL ? " file " : "",
	    c->pppd_options != NULL ? c->pppd_options : "",
	    c->plugin_path != NULL ? c->plugin_path : "(none)");
	return 0;
}

/*
 * --check-config: the certificate and the secrets load (built-in
 * backend), or pppd, its options file and the plugin are there (--pppd);
 * else exit 2.
 */
static int
main_check(const struct sstpd_conf *c)
{
	struct sstpd_server srv;
	struct tls_server *t;
	char err[512];

	if (!c->no_tls) {
		t = tls_server_new(c->cert_file, c->key_file, err, sizeof err);
		if (t == NULL) {
			fprintf(stderr, "sstpd: %s\n", err);
			return SSTPD_EXIT_USAGE;
		}
		printf("certificate: %s\n", tls_server_describe(t));
		tls_server_free(t);
	}
	if (c->backend == SSTPD_BACKEND_TUN) {
		memset(&srv, 0, sizeof srv);
		srv.conf = c;
		if (server_load_secrets(&srv, err, sizeof err) < 0) {
			fprintf(stderr, "sstpd: %s\n", err);
			return SSTPD_EXIT_USAGE;
		}
		printf("secrets: %zu entries\n", secrets_count(srv.secrets));
		secrets_free(srv.secrets);
	} else if (main_check_pppd(c) < 0)
		return SSTPD_EXIT_USAGE;
	printf("configuration ok\n");
	return SSTPD_EXIT_OK;
}

int
main(int argc, char **argv)
{
	struct sstpd_conf conf;
	struct sstpd_server srv;
	struct log_conf lc;
	struct event_base *base;
	char err[512];
	int r, code;

	/* The parse starts from the defaults itself (conf.c). */
	memset(&conf, 0, sizeof conf);
	err[0] = '\0';
	if (sstpd_conf_parse(&conf, argc, argv, err, sizeof err) != 0) {
		fprintf(stderr, "sstpd: %s (try 'sstpd --help')\n", err);
		sstpd_conf_free(&conf);
		return SSTPD_EXIT_USAGE;
	}
	switch (conf.mode) {
	case SSTPD_HELP:
		sstpd_conf_help(stdout);
		sstpd_conf_free(&conf);
		return SSTPD_EXIT_OK;
	case SSTPD_VERSION:
		printf("sstpd %s\n", PACKAGE_VERSION);
		sstpd_conf_free(&conf);
		return SSTPD_EXIT_OK;
	case SSTPD_LIST:
	case SSTPD_DISCONNECT:
		code = main_control(&conf);
		sstpd_conf_free(&conf);
		return code;
	case SSTPD_CHECK:
		code = main_check(&conf);
		sstpd_conf_free(&conf);
		return code;
	default:
		break;
	}

	memset(&lc, 0, sizeof lc);
	lc.level = LOG_LVL_INFO + conf.debug;
	if (lc.level > LOG_LVL_MAX)
		lc.level = LOG_LVL_MAX;
	lc.sink = LOG_SINK_STDERR;
	lc.ident = "sstpd";
	if ((r = log_open(&lc)) < 0)
		fprintf(stderr, "sstpd: cannot open the log: %s\n",
		    strerror(-r));

	base = event_base_new();
	if (base == NULL) {
		log_err("cannot create the event loop");
		sstpd_conf_free(&conf);
		return SSTPD_EXIT_FAIL;
	}
	err[0] = '\0';
	code = server_init(&srv, &conf, base, err, sizeof err);
	if (code != SSTPD_EXIT_OK) {
		log_err("%s", err);
		goto out;
	}
	/*
	 * Setup done (TUN, ports): the built-in backend needs no privilege
	 * from now on.  pppd's backend stays root (it starts pppd).
	 */
	if (conf.user != NULL && conf.user[0] != '\0') {
		if (conf.backend == SSTPD_BACKEND_PPPD)
			log_warn("--user ignored: the pppd backend runs "
			    "pppd as root");
		else {
			r = priv_drop(conf.user, NULL, NULL, 0, err,
			    sizeof err);
			if (r < 0) {
				log_err("cannot drop privileges to %s: %s",
				    conf.user, err);
				code = SSTPD_EXIT_FAIL;
				goto out;
			}
			if (r == 0)
				log_info("running as %s", conf.user);
		}
	}
	code = server_run(&srv);
out:
	server_free(&srv);
	event_base_free(base);
	log_info("exit status %d", code);
	log_close();
	sstpd_conf_free(&conf);
	return code;
}
