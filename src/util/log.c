/*
 * log.c - the log sink (see log.h).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "util/log.h"

/* The one global besides the session context: where log lines go. */
static struct {
	int		 level;
	enum log_sink	 sink;
	char		 ident[64];
	char		 filter[256];
	bool		 lineno;
	bool		 debug_keys;
	int		 fd;		/* file sink or private syslog socket */
	bool		 syslog_open;
} log_state = { .level = LOG_LVL_ERR, .sink = LOG_SINK_STDERR, .fd = -1,
    .ident = "sstpc" };

static const char *const log_level_name[] = {
	"error", "warning", "info", "debug", "ctrl", "trace", "dump"
};

static const int log_syslog_prio[] = {
	LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG, LOG_DEBUG, LOG_DEBUG,
	LOG_DEBUG
};

int
log_open(const struct log_conf *conf)
{
	struct stat st;
	int fd;

	log_close();
	log_state.level = conf->level < 0 ? 0 :
	    conf->level > LOG_LVL_MAX ? LOG_LVL_MAX : conf->level;
	log_state.sink = conf->sink;
	log_state.lineno = conf->lineno;
	log_state.debug_keys = conf->debug_keys;
	snprintf(log_state.ident, sizeof log_state.ident, "%s",
	    conf->ident != NULL ? conf->ident : "sstpc");
	snprintf(log_state.filter, sizeof log_state.filter, "%s",
	    conf->filter != NULL ? conf->filter : "");

	switch (conf->sink) {
	case LOG_SINK_FILE:
		/*
		 * Opened as root, possibly in a directory others can write
		 * to: never through a symbolic link (O_NOFOLLOW), never into
		 * a second name of another file (a hard link to
		 * /etc/shadow) nor a block device.  /dev/null, a terminal
		 * or a FIFO stay possible.
		 */
		fd = open(conf->path, O_WRONLY | O_CREAT | O_APPEND |
		    O_CLOEXEC | O_NOCTTY | O_NOFOLLOW, 0600);
		if (fd < 0) {
			log_state.sink = LOG_SINK_STDERR;
			return -errno;
		}
		if (fstat(fd, &st) < 0 || S_ISBLK(st.st_mode) ||
		    (S_ISREG(st.st_mode) && st.st_nlink != 1)) {
			close(fd);
			log_state.sink = LOG_SINK_STDERR;
			return -EINVAL;
		}
		log_state.fd = fd;
		break;
	case LOG_SINK_SYSLOG:
		if (conf->path != NULL) {
			/* XX: 1.0.18 accepts a socket path after --log-syslog. */
			struct sockaddr_un sun = { .sun_family = AF_UNIX };

			if (strlen(conf->path) >= sizeof sun.sun_path)
				return -ENAMETOOLONG;
			strcpy(sun.sun_path, conf->path);
			fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
			if (fd < 0)
				return -errno;
			if (connect(fd, (struct sockaddr *)&sun, sizeof sun) < 0) {
				int e = errno;

				close(fd);
				return -e;
			}
			log_state.fd = fd;
		} else {
			openlog(log_state.ident, LOG_PID | LOG_NDELAY,
			    LOG_DAEMON);
			log_state.syslog_open = true;
		}
		break;
	default:
		break;
	}
	return 0;
}

void
log_close(void)
{
	if (log_state.fd >= 0)
		close(log_state.fd);
	log_state.fd = -1;
	if (log_state.syslog_open)
		closelog();
	log_state.syslog_open = false;
}

int
log_atfork_child(void)
{
	if (log_state.syslog_open) {
		closelog();
		openlog(log_state.ident, LOG_PID, LOG_DAEMON);
	}
	return log_state.fd;
}

int
log_get_level(void)
{
	return log_state.level;
}

bool
log_enabled(int level)
{
	return level <= log_state.level;
}

/* Does the source file match the --log-filter token list (empty = all)? */
static bool
log_file_selected(const char *file)
{
	const char *base, *tok;
	size_t blen, tlen;

	if (log_state.filter[0] == '\0' || file == NULL)
		return true;
	base = strrchr(file, '/');
	base = base != NULL ? base + 1 : file;
	blen = strcspn(base, ".");
	for (tok = log_state.filter; *tok != '\0'; tok += tlen) {
		tok += strspn(tok, ", ");
		tlen = strcspn(tok, ",");
		if (tlen > 0 && tlen == blen && strncmp(tok, base, blen) == 0)
			return true;
	}
	return false;
}

/* Write one finished line to the sink; never fails the caller. */
static void
log_emit(int level, const char *line)
{
	char out[2200];
	int n;
	ssize_t r;

	switch (log_state.sink) {
	case LOG_SINK_SYSLOG:
		if (log_state.fd >= 0) {
			n = snprintf(out, sizeof out, "<%d>%s[%ld]: %s",
			    LOG_DAEMON | log_syslog_prio[level], log_state.ident,
			    (long)getpid(), line);
			if (n > 0)
				r = send(log_state.fd, out,
				    (size_t)n < sizeof out ? (size_t)n :
				    sizeof out - 1, MSG_NOSIGNAL);
		} else
			syslog(log_syslog_prio[level], "%s", line);
		return;
	case LOG_SINK_FILE: {
		struct timespec ts;
		struct tm tm;

		clock_gettime(CLOCK_REALTIME, &ts);
		localtime_r(&ts.tv_sec, &tm);
		n = snprintf(out, sizeof out,
		    "%04d-%02d-%02d %02d:%02d:%02d.%03ld %s[%ld]: %s\n",
		    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		    tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000,
		    log_state.ident, (long)getpid(), line);
		if (n > 0)
			r = write(log_state.fd, out, (size_t)n < sizeof out ?
			    (size_t)n : sizeof out - 1);
		return;
	}
	case LOG_SINK_STDOUT:
	case LOG_SINK_STDERR:
	default:
		n = snprintf(out, sizeof out, "%s: %s\n", log_state.ident,
		    line);
		if (n > 0)
			r = write(log_state.sink == LOG_SINK_STDOUT ?
			    STDOUT_FILENO : STDERR_FILENO, out,
			    (size_t)n < sizeof out ? (size_t)n :
			    sizeof out - 1);
		return;
	}
	(void)r;
}

/* Format and write one line: level, [file:line], [func], [ctx], text. */
static void
log_vmsg(int level, const char *file, int line, const char *func,
    const char *ctx, const char *fmt, va_list ap)
{
	char buf[2048];
	size_t off = 0;
	int n;

	if (!log_enabled(level) || !log_file_selected(file))
		return;
	if (level > LOG_LVL_WARN || level == LOG_LVL_WARN) {
		n = snprintf(buf, sizeof buf, "%s: ", log_level_name[level]);
		off = n > 0 ? (size_t)n : 0;
	}
	if (log_state.lineno && file != NULL) {
		const char *base = strrchr(file, '/');

		n = snprintf(buf + off, sizeof buf - off, "%s:%d: ",
		    base != NULL ? base + 1 : file, line);
		if (n > 0 && (size_t)n < sizeof buf - off)
			off += (size_t)n;
	}
	if (func != NULL) {
		n = snprintf(buf + off, sizeof buf - off, "%s: ", func);
		if (n > 0 && (size_t)n < sizeof buf - off)
			off += (size_t)n;
	}
	if (ctx != NULL && ctx[0] != '\0') {
		n = snprintf(buf + off, sizeof buf - off, "%s: ", ctx);
		if (n > 0 && (size_t)n < sizeof buf - off)
			off += (size_t)n;
	}
	vsnprintf(buf + off, sizeof buf - off, fmt, ap);
	log_emit(level, buf);
}

void
log_msg(int level, const char *file, int line, const char *func,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, file, line, func, NULL, fmt, ap);
	va_end(ap);
}

void
log_msg_ctx(int level, const char *file, int line, const char *ctx,
    const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, file, line, NULL, ctx, fmt, ap);
	va_end(ap);
}

/* Format len bytes as hex lines of 16 at the dump level. */
static void
log_hex_lines(const char *file, int line, const char *tag, const void *buf,
    size_t len)
{
	const unsigned char *p = buf;
	char hex[16 * 3 + 1];
	size_t i, j;

	log_msg(LOG_LVL_DUMP, file, line, NULL, "%s: %zu bytes", tag, len);
	for (i = 0; i < len; i += 16) {
		size_t o = 0;

		for (j = i; j < len && j < i + 16; j++) {
			snprintf(hex + o, sizeof hex - o, "%02x ", p[j]);
			o += 3;
		}
		hex[o > 0 ? o - 1 : 0] = '\0';
		log_msg(LOG_LVL_DUMP, file, line, NULL, "  %04zx: %s", i, hex);
	}
}

void
log_hex_at(const char *file, int line, const char *tag, const void *buf,
    size_t len)
{
	if (!log_enabled(LOG_LVL_DUMP) || !log_file_selected(file))
		return;
	log_hex_lines(file, line, tag, buf, len);
}

void
log_key_at(const char *file, int line, const char *tag, const void *buf,
    size_t len)
{
	if (!log_enabled(LOG_LVL_DEBUG))
		return;
	if (!log_state.debug_keys) {
		log_msg(LOG_LVL_DEBUG, file, line, NULL,
		    "%s: <%zu bytes hidden; --debug-keys shows them>", tag, len);
		return;
	}
	log_msg(LOG_LVL_DEBUG, file, line, NULL,
	    "%s (shown because of --debug-keys):", tag);
	{
		/* Print at debug level regardless of the dump level. */
		const unsigned char *p = buf;
		char hex[3 * 64 + 1];
		size_t i, o = 0;

		for (i = 0; i < len && i < 64; i++, o += 3)
			snprintf(hex + o, sizeof hex - o, "%02x ", p[i]);
		hex[o > 0 ? o - 1 : 0] = '\0';
		log_msg(LOG_LVL_DEBUG, file, line, NULL, "  %s", hex);
	}
}
