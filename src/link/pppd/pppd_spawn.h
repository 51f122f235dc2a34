/*
 * pppd_spawn.h - pppd as a child process on a pty (launch mode).
 */
#ifndef SSTPC_PPPD_SPAWN_H
#define SSTPC_PPPD_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>

/* Open a pty pair in raw mode; master non-blocking.  Returns 0 or -errno. */
int	pppd_open_pty(int *master, int *slave, char *slave_name, size_t len);
/*
 * Fork the child that becomes argv[0] with argv.  The child gets tty_fd
 * (the pty slave, or /dev/null if -1) on stdin, inherits stdout/stderr,
 * and keeps keep_fd (if >= 0) as fd 3: the password pipe pppd reads as
 * `file /dev/fd/3`.  All other fds are closed, signal dispositions and
 * mask reset.  Returns the pid or -errno.
 *
 * With @gate non-NULL the child does not exec yet: it waits until
 * pppd_release(gate) and, if the gate closes without that (pppd_gate_close(),
 * or sstpc died), exits with status 0 without a word.  *gate is the
 * parent's end (-1 once closed).  The fork happens early, while sstpc still
 * holds the privileges pppd needs; the exec only once the SSTP call is
 * acknowledged, so a connection that fails before that leaves no pppd
 * output behind.
 */
pid_t	pppd_spawn(char *const argv[], int tty_fd, int keep_fd, int *gate);
/* Let the waiting child exec; closes *gate.  Returns 0 or -errno. */
int	pppd_release(int *gate);
/* Close *gate (if open): a child still waiting exits quietly. */
void	pppd_gate_close(int *gate);
/* Describe a wait status the way pppd documents its exit codes. */
const char *pppd_exit_string(int status, char *buf, size_t len);

#endif /* SSTPC_PPPD_SPAWN_H */
