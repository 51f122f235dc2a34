/*
 * test_log.c - the log sink (src/util/log.c): the file sink is opened as
 * root, so it must not follow a symbolic link planted at its path, nor
 * append to a second name (hard link) of another file; a context
 * ("session ID") goes before the text, and none changes nothing.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "util/log.h"
#include "harness.h"

/* Size of the file at path, or -1. */
static long
file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void
test_log_file(void)
{
	char dir[] = "/tmp/test_log.XXXXXX", victim[128], slink[128];
	char plain[128], hard[128];
	struct log_conf c = { .level = LOG_LVL_INFO, .sink = LOG_SINK_FILE };
	struct stat st;
	int fd;

	TEST_START("log: the file sink refuses symbolic and hard links");
	ASSERT_TRUE(mkdtemp(dir) != NULL);
	snprintf(victim, sizeof victim, "%s/victim", dir);
	snprintf(slink, sizeof slink, "%s/link.log", dir);
	snprintf(plain, sizeof plain, "%s/plain.log", dir);
	snprintf(hard, sizeof hard, "%s/hard.log", dir);
	fd = open(victim, O_WRONLY | O_CREAT | O_EXCL, 0600);
	ASSERT_INT_GE(fd, 0);
	close(fd);

	/* A symbolic link planted where the log goes. */
	ASSERT_INT_EQ(symlink(victim, slink), 0);
	c.path = slink;
	ASSERT_INT_EQ(log_open(&c), -ELOOP);
	log_info("must not reach the victim");
	ASSERT_INT_EQ(file_size(victim), 0);

	/* A hard link to another file. */
	ASSERT_INT_EQ(link(victim, hard), 0);
	c.path = hard;
	ASSERT_INT_EQ(log_open(&c), -EINVAL);
	log_info("must not reach the victim");
	ASSERT_INT_EQ(file_size(victim), 0);

	/* /dev/null stays possible (a character device). */
	c.path = "/dev/null";
	ASSERT_INT_EQ(log_open(&c), 0);
	log_close();

	/* A new file: created 0600, written. */
	c.path = plain;
	ASSERT_INT_EQ(log_open(&c), 0);
	log_info("hello");
	log_close();
	ASSERT_INT_EQ(stat(plain, &st), 0);
	ASSERT_INT_EQ(st.st_mode & 07777, 0600);
	ASSERT_INT_LT(5, st.st_size);
	/* An existing regular file: appended to. */
	ASSERT_INT_EQ(log_open(&c), 0);
	log_info("again");
	log_close();
	ASSERT_INT_LT(st.st_size, file_size(plain));

	unlink(slink);
	unlink(hard);
	unlink(plain);
	unlink(victim);
	rmdir(dir);
	TEST_DONE();
}

/* The whole file at path into buf (NUL-ended); its length or -1. */
static long
file_read(const char *path, char *buf, size_t len)
{
	ssize_t n;
	int fd = open(path, O_RDONLY);

	if (fd < 0)
		return -1;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return (long)n;
}

static void
test_log_ctx(void)
{
	char dir[] = "/tmp/test_log.XXXXXX", path[128], text[1024];
	struct log_conf c = { .level = LOG_LVL_DEBUG, .sink = LOG_SINK_FILE };

	TEST_START("log: a context goes before the text; none: as log_msg");
	ASSERT_TRUE(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/ctx.log", dir);
	c.path = path;
	ASSERT_INT_EQ(log_open(&c), 0);
	log_info_c("session 0123456789abcdef", "IPCP is up");
	log_warn_c("session 0123456789abcdef", "LCP: %s", "odd");
	log_info_c(NULL, "no context %d", 1);
	log_info_c("", "no context %d", 2);
	log_info("no context %d", 3);
	log_close();
	ASSERT_INT_LT(0, file_read(path, text, sizeof text));
	ASSERT_TRUE(strstr(text,
	    "]: info: session 0123456789abcdef: IPCP is up\n") != NULL);
	ASSERT_TRUE(strstr(text,
	    "]: warning: session 0123456789abcdef: LCP: odd\n") != NULL);
	ASSERT_TRUE(strstr(text, "]: info: no context 1\n") != NULL);
	ASSERT_TRUE(strstr(text, "]: info: no context 2\n") != NULL);
	ASSERT_TRUE(strstr(text, "]: info: no context 3\n") != NULL);
	unlink(path);
	rmdir(dir);
	TEST_DONE();
}

int
main(void)
{
	test_log_file();
	test_log_ctx();
	return test_exit();
}
