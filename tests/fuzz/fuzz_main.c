/*
 * fuzz_main.c - replay driver for the fuzz targets when libFuzzer is not
 * used (gcc, `make check').  Linked with one fuzz_<name>.c, it runs
 * LLVMFuzzerTestOneInput on:
 *
 *	fuzz_<name> FILE|DIR...	every file named, and every regular file
 *				of every directory named (sorted, not
 *				recursive);
 *	fuzz_<name>		(no arguments, as `make check' runs it) the
 *				corpus $FUZZ_CORPUS, else
 *				$top_srcdir/tests/fuzz/corpus/<name>.
 *
 * Each input is copied into a heap buffer of exactly its size, so that
 * an ASan build catches a read one byte past the end.  An empty input is
 * always run first.  A broken invariant aborts (fuzz_fail), which fails
 * the test; the name of the input being run is printed before it runs.
 * Exit status: 0 all inputs ran, 1 an input could not be read or the
 * corpus is empty, 2 usage.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"

struct replay {
	const char	*prog;
	unsigned long	 ran;
	int		 failed;
};

/* Read a whole file (at most FUZZ_INPUT_MAX bytes) and run it. */
static void
replay_file(struct replay *rp, const char *path)
{
	struct stat st;
	uint8_t *buf = NULL;
	size_t len = 0;
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
	    fstat(fd, &st) != 0) {
		fprintf(stderr, "%s: %s: %s\n", rp->prog, path,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		rp->failed = 1;
		return;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > FUZZ_INPUT_MAX) {
		fprintf(stderr, "%s: %s: not a regular file of at most %d "
		    "bytes\n", rp->prog, path, FUZZ_INPUT_MAX);
		close(fd);
		rp->failed = 1;
		return;
	}
	/* malloc(0) may return NULL: keep one byte, pass the real length. */
	if ((buf = malloc((size_t)st.st_size > 0 ? (size_t)st.st_size :
	    1)) == NULL) {
		fprintf(stderr, "%s: out of memory\n", rp->prog);
		close(fd);
		rp->failed = 1;
		return;
	}
	while (len < (size_t)st.st_size) {
		n = read(fd, buf + len, (size_t)st.st_size - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	printf("%s: %s (%zu bytes)\n", rp->prog, path, len);
	fflush(stdout);
	(void)LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	rp->ran++;
}

/* qsort comparator for file names. */
static int
replay_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Run every regular file of a directory, in name order. */
static void
replay_dir(struct replay *rp, const char *dir)
{
	char **names = NULL, **nn, path[PATH_MAX];
	size_t n = 0, cap = 0, i;
	struct dirent *de;
	struct stat st;
	DIR *d;

	if ((d = opendir(dir)) == NULL) {
		fprintf(stderr, "%s: %s: %s\n", rp->prog, dir,
		    strerror(errno));
		rp->failed = 1;
		return;
	}
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			if ((nn = realloc(names, cap * sizeof *names)) ==
			    NULL)
				break;
			names = nn;
		}
		if ((names[n] = strdup(de->d_name)) == NULL)
			break;
		n++;
	}
	closedir(d);
	if (n > 0)
		qsort(names, n, sizeof *names, replay_cmp);
	for (i = 0; i < n; i++) {
		if ((size_t)snprintf(path, sizeof path, "%s/%s", dir,
		    names[i]) < sizeof path && stat(path, &st) == 0 &&
		    S_ISREG(st.st_mode))
			replay_file(rp, path);
		free(names[i]);
	}
	free(names);
}

/* A file or a directory. */
static void
replay_path(struct replay *rp, const char *path)
{
	struct stat st;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		replay_dir(rp, path);
	else
		replay_file(rp, path);
}

/* "tests/fuzz/fuzz_url" -> "url" (also "lt-fuzz_url"). */
static const char *
replay_name(const char *argv0)
{
	const char *base = strrchr(argv0, '/'), *p;

	base = base != NULL ? base + 1 : argv0;
	if ((p = strstr(base, "fuzz_")) != NULL)
		return p + 5;
	return base;
}

/* Replay the inputs named on the command line, or the target's corpus. */
int
main(int argc, char **argv)
{
	struct replay rp = { .prog = argv[0] };
	char corpus[PATH_MAX], name[64];
	const char *env, *srcdir;
	size_t k;
	int i;

	(void)LLVMFuzzerInitialize(&argc, &argv);
	if (argc > 1 && argv[1][0] == '-') {
		fprintf(stderr, "usage: %s [FILE|DIR...]\n", argv[0]);
		return 2;
	}
	/* The empty input first: every target must cope with it. */
	(void)LLVMFuzzerTestOneInput((const uint8_t *)"", 0);
	if (argc > 1) {
		for (i = 1; i < argc; i++)
			replay_path(&rp, argv[i]);
	} else {
		snprintf(name, sizeof name, "%s", replay_name(argv[0]));
		/* Strip an executable suffix such as ".exe". */
		k = strcspn(name, ".");
		name[k] = '\0';
		if ((env = getenv("FUZZ_CORPUS")) != NULL && *env != '\0')
			snprintf(corpus, sizeof corpus, "%s", env);
		else {
			srcdir = getenv("top_srcdir");
			snprintf(corpus, sizeof corpus,
			    "%s/tests/fuzz/corpus/%s",
			    srcdir != NULL && *srcdir != '\0' ? srcdir : ".",
			    name);
		}
		replay_dir(&rp, corpus);
		if (rp.ran == 0 && !rp.failed) {
			fprintf(stderr, "%s: corpus %s is empty\n", argv[0],
			    corpus);
			rp.failed = 1;
		}
	}
	printf("%s: %lu inputs replayed%s\n", argv[0], rp.ran,
	    rp.failed ? ", some could not be read" : "");
	return rp.failed ? 1 : 0;
}
