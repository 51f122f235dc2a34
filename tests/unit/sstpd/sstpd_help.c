/*
 * sstpd_help.c - prints sstpd's --help from the option table, so that
 * tests/check-manpage-sstpd.sh can compare it with doc/sstpd.8 before (or
 * without) the sstpd program.  Any argument but --help is a usage error.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "sstpd/conf.h"

int
main(int argc, char **argv)
{
	if (argc != 2 || strcmp(argv[1], "--help") != 0) {
		fprintf(stderr, "usage: %s --help\n", argv[0]);
		return SSTPD_EXIT_USAGE;
	}
	sstpd_conf_help(stdout);
	return SSTPD_EXIT_OK;
}
