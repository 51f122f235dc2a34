/*
 * help.h - one option's lines of a --help text, the same layout in sstpc
 * and sstpd: "  -x, --name ARG" in a 26-column field (a longer one on a
 * line of its own), then the help text; a '\n' in it starts a new line
 * indented to the text's column.
 */
#ifndef SSTPC_HELP_H
#define SSTPC_HELP_H

#include <stdio.h>

/*
 * @short_name: 0 for none; @arg: what follows "--name" as shown (" FILE",
 * " [PATH]", "[=NAME]"), "" for a flag.
 */
void	help_option(FILE *fp, char short_name, const char *name,
	    const char *arg, const char *help);

#endif /* SSTPC_HELP_H */
