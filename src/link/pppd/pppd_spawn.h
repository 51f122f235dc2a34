/*
 * pppd_spawn.h - pppd as a child process on a pty (launch mode).
 */
#ifndef SSTPC_PPPD_SPAWN_H
#define SSTPC_PPPD_SPAWN_H

#include <stdbool.h>
#include <sys/types.h>

#include "link/link.h"

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
/*
 * How pppd's end (a wait status) ends the link, pppd(8) EXIT STATUS:
 * 11 (the peer failed to authenticate) and 19 (we failed to authenticate
 * to the peer) are LINK_END_AUTH; 0, 5 (a signal) and 16 (hangup) are a
 * clean end, every other status LINK_END_PPP; killed by a signal: clean
 * if we_signalled, else LINK_END_PPP.  Shared by the client's pppd link
 * and sstpd's pppd backend.
 */
enum link_end	pppd_exit_end(int status, bool we_signalled);

#endif /* SSTPC_PPPD_SPAWN_H */
