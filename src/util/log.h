/*
 * log.h - levelled, printf-checked logging with one process-wide sink.
 *
 * Levels follow sstp-client 1.0.18 so that existing --log-level values keep
 * their meaning: 0 err, 1 warn, 2 info, 3 debug, 4 control-packet trace,
 * 5 trace, 6 hex dump.  The level is tested before anything is formatted.
 * The sink (syslog by default, or stderr, stdout, a file) is the only mutable
 * global of sstpc besides the session context.
 *
 * Secrets: log_key() prints key material only when --debug-keys was given;
 * nothing else may ever format a password, NT hash, MPPE key, HLAK or CMK.
 */
#ifndef SSTPC_LOG_H
#define SSTPC_LOG_H

#include <stdbool.h>
#include <stddef.h>

enum log_level {
	LOG_LVL_ERR = 0,
	LOG_LVL_WARN,
	LOG_LVL_INFO,
	LOG_LVL_DEBUG,
	LOG_LVL_CTRL,		/* decoded control packets */
	LOG_LVL_TRACE,
	LOG_LVL_DUMP,		/* hex dumps */
	LOG_LVL_MAX = LOG_LVL_DUMP
};

enum log_sink {
	LOG_SINK_SYSLOG = 0,
	LOG_SINK_STDERR,
	LOG_SINK_STDOUT,
	LOG_SINK_FILE
};

struct log_conf {
	int		 level;
	enum log_sink	 sink;
	const char	*ident;		/* syslog ident / line prefix */
	const char	*path;		/* file sink path, or syslog socket */
	const char	*filter;	/* comma-separated source tokens, or NULL */
	bool		 lineno;	/* add file:line */
	bool		 debug_keys;	/* allow log_key() output */
};

/*
 * Install the sink (again to switch sinks).  Returns 0 or -errno.  A log
 * file is created 0600; a symbolic link (-ELOOP), a regular file with more
 * than one name or a block device (-EINVAL) is refused, and stderr is used
 * instead.
 */
int	log_open(const struct log_conf *);
void	log_close(void);
/*
 * In a child just forked that is about to close descriptors: the sink's
 * descriptor to keep (-1 if none).  syslog(3)'s own socket is dropped and
 * reopened at the next message, so a closed number cannot be reused.
 */
int	log_atfork_child(void);
/* True if a message at this level from this file would be written. */
bool	log_enabled(int level);
int	log_get_level(void);

void	log_msg(int level, const char *file, int line, const char *func,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/*
 * log_msg with a context: @ctx ("session 0123456789abcdef", a string
 * the caller keeps alive) goes before the message as "CTX: ", so that
 * the lines of one of many sessions can be told apart.  NULL or "": the
 * line is exactly log_msg's.  The context travels with the object that
 * logs (an engine's or a machine's configuration), never in a global.
 */
void	log_msg_ctx(int level, const char *file, int line, const char *ctx,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Hex dump at LOG_LVL_DUMP, tagged with a direction or name. */
void	log_hex_at(const char *file, int line, const char *tag,
	    const void *buf, size_t len);
/* Key material: printed only with --debug-keys, otherwise "<hidden>". */
void	log_key_at(const char *file, int line, const char *tag,
	    const void *buf, size_t len);

#define LOG_AT(lvl, func, ...) do {					\
	if (log_enabled(lvl))						\
		log_msg((lvl), __FILE__, __LINE__, (func), __VA_ARGS__); \
} while (0)

#define log_err(...)	LOG_AT(LOG_LVL_ERR, NULL, __VA_ARGS__)
#define log_warn(...)	LOG_AT(LOG_LVL_WARN, NULL, __VA_ARGS__)
#define log_info(...)	LOG_AT(LOG_LVL_INFO, NULL, __VA_ARGS__)
#define log_debug(...)	LOG_AT(LOG_LVL_DEBUG, NULL, __VA_ARGS__)
#define log_ctrl(...)	LOG_AT(LOG_LVL_CTRL, NULL, __VA_ARGS__)
#define log_trace(...)	LOG_AT(LOG_LVL_TRACE, NULL, __VA_ARGS__)
/* _f variants prefix the calling function's name (OpenSSH style). */
#define log_err_f(...)	 LOG_AT(LOG_LVL_ERR, __func__, __VA_ARGS__)
#define log_warn_f(...)	 LOG_AT(LOG_LVL_WARN, __func__, __VA_ARGS__)
#define log_info_f(...)	 LOG_AT(LOG_LVL_INFO, __func__, __VA_ARGS__)
#define log_debug_f(...) LOG_AT(LOG_LVL_DEBUG, __func__, __VA_ARGS__)
#define log_ctrl_f(...)	 LOG_AT(LOG_LVL_CTRL, __func__, __VA_ARGS__)
#define log_trace_f(...) LOG_AT(LOG_LVL_TRACE, __func__, __VA_ARGS__)

/* _c variants take a context string first (log_msg_ctx). */
#define LOG_CTX(lvl, ctx, ...) do {					\
	if (log_enabled(lvl))						\
		log_msg_ctx((lvl), __FILE__, __LINE__, (ctx), __VA_ARGS__); \
} while (0)
#define log_err_c(ctx, ...)	LOG_CTX(LOG_LVL_ERR, (ctx), __VA_ARGS__)
#define log_warn_c(ctx, ...)	LOG_CTX(LOG_LVL_WARN, (ctx), __VA_ARGS__)
#define log_info_c(ctx, ...)	LOG_CTX(LOG_LVL_INFO, (ctx), __VA_ARGS__)
#define log_debug_c(ctx, ...)	LOG_CTX(LOG_LVL_DEBUG, (ctx), __VA_ARGS__)
#define log_ctrl_c(ctx, ...)	LOG_CTX(LOG_LVL_CTRL, (ctx), __VA_ARGS__)
#define log_trace_c(ctx, ...)	LOG_CTX(LOG_LVL_TRACE, (ctx), __VA_ARGS__)

#define log_hex(tag, buf, len) do {					\
	if (log_enabled(LOG_LVL_DUMP))					\
		log_hex_at(__FILE__, __LINE__, (tag), (buf), (len));	\
} while (0)
#define log_key(tag, buf, len) \
	log_key_at(__FILE__, __LINE__, (tag), (buf), (len))

#endif /* SSTPC_LOG_H */
