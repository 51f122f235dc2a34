/*
 * pppd.h - pppd as a child process on a pty (launch mode).
 */
#ifndef SSTPC_PPPD_H
#define SSTPC_PPPD_H

#include <stdbool.h>
#include <sys/types.h>

/* Open a pty pair in raw mode; master non-blocking.  Returns 0 or -errno. */
int	pppd_open_pty(int *master, int *slave, char *slave_name, size_t len);
/*
 * Fork and exec argv[0] with argv.  The child gets tty_fd (the pty slave,
 * or /dev/null if -1) on stdin, inherits stdout/stderr, and keeps keep_fd
 * (if >= 0) as fd 3: the password pipe pppd reads as `file /dev/fd/3`.
 * All other fds are closed, signal dispositions and mask reset.  Returns
 * the pid or -errno.
 */
pid_t	pppd_spawn(char *const argv[], int tty_fd, int keep_fd);
/* Describe a wait status the way pppd documents its exit codes. */
const char *pppd_exit_string(int status, char *buf, size_t len);

#endif /* SSTPC_PPPD_H */
