/*
 * help.c - an option's --help lines (help.h).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "util/help.h"

/* The option column's width; a longer left part gets a line of its own. */
#define HELP_LEFT	26

void
help_option(FILE *fp, char short_name, const char *name, const char *arg,
    const char *help)
{
	char left[96], shortopt[8] = "";
	const char *h;
	size_t n;

	if (short_name != '\0')
		(void)snprintf(shortopt, sizeof shortopt, "-%c, ", short_name);
	(void)snprintf(left, sizeof left, "%s--%s%s", shortopt, name, arg);
	if (strlen(left) >= HELP_LEFT)
		fprintf(fp, "  %s\n%*s", left, HELP_LEFT + 2, "");
	else
		fprintf(fp, "  %-*s", HELP_LEFT, left);
	for (h = help; *h != '\0'; h += n) {
		n = strcspn(h, "\n");
		fprintf(fp, "%.*s\n", (int)n, h);
		if (h[n] == '\n') {
			n++;
			fprintf(fp, "%*s", HELP_LEFT + 2, "");
		}
	}
}
