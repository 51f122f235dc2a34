/*
 * main.c - sstpc's entry point: command line, password sources, logging,
 * the session, and the exit status (sstpc(8), EXIT STATUS).  The only place
 * that exits.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sstpc/cmdline.h"
#include "sstpc/exit_status.h"
#include "util/log.h"
#include "sstpc/sstpc.h"

int
main(int argc, char **argv)
{
	struct sstpc_config cfg;
	struct sstpc s;
	char err[512];
	int r, code;

	r = cmdline_parse(&cfg, argc, argv, err, sizeof err);
	if (r == CMDLINE_HELP) {
		cmdline_usage(stdout);
		cmdline_free(&cfg);
		return SSTPC_EXIT_OK;
	}
	if (r == CMDLINE_VERSION) {
		cmdline_version(stdout);
		cmdline_free(&cfg);
		return SSTPC_EXIT_OK;
	}
	if (r < 0) {
		fprintf(stderr, "sstpc: %s (try 'sstpc --help')\n", err);
		cmdline_free(&cfg);
		return SSTPC_EXIT_USAGE;
	}
	if (cfg.proxy_env && !cfg.has_proxy &&
	    cmdline_proxy_from_env(&cfg, getenv("https_proxy"),
	    getenv("http_proxy"), getenv("no_proxy"), err, sizeof err) < 0) {
		fprintf(stderr, "sstpc: %s\n", err);
		cmdline_free(&cfg);
		return SSTPC_EXIT_USAGE;
	}
	if (cmdline_load_password(&cfg, err, sizeof err) < 0) {
		fprintf(stderr, "sstpc: %s\n", err);
		cmdline_free(&cfg);
		return SSTPC_EXIT_USAGE;
	}
	r = log_open(&cfg.log);
	if (r < 0)
		fprintf(stderr, "sstpc: cannot open the log (%s); logging to "
		    "stderr\n", strerror(-r));

	memset(&s, 0, sizeof s);
	code = session_run(&s, &cfg);
	if (s.have_reason) {
		if (code == SSTPC_EXIT_OK || code == SSTPC_EXIT_SIGNAL)
			log_info("%s", s.reason);
		else
			log_err("%s", s.reason);
	}
	log_info("exit status %d (%s)", code, cmdline_exit_text(code));
	log_close();
	cmdline_free(&cfg);
	explicit_bzero(&s, sizeof s);
	return code;
}
