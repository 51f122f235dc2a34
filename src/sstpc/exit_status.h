/*
 * exit_status.h - the exit statuses of the sstpc program (documented in
 * sstpc(8), EXIT STATUS).  main maps the session's single quit reason onto
 * one of these; the core libraries never see them (each reports a failure
 * class of its own, which its owner maps here).
 */
#ifndef SSTPC_EXIT_STATUS_H
#define SSTPC_EXIT_STATUS_H

enum sstpc_exit {
	SSTPC_EXIT_OK = 0,	/* clean disconnect (either side) */
	SSTPC_EXIT_FAILURE = 1,	/* generic/internal failure */
	SSTPC_EXIT_USAGE = 2,	/* bad command line or configuration */
	SSTPC_EXIT_CONNECT = 3,	/* resolve/connect, or proxy refused */
	SSTPC_EXIT_TLS = 4,	/* TLS handshake or certificate check */
	SSTPC_EXIT_HTTP = 5,	/* SSTP_DUPLEX_POST not answered with 200 */
	SSTPC_EXIT_SSTP = 6,	/* SSTP negotiation: NAK, timeout, abort */
	SSTPC_EXIT_AUTH = 7,	/* PPP auth or crypto binding refused */
	SSTPC_EXIT_PEER = 8,	/* peer disconnected or went silent */
	SSTPC_EXIT_PPPD = 9,	/* pppd failed to start or exited in error */
	SSTPC_EXIT_SIGNAL = 10	/* SIGTERM/SIGINT/SIGHUP: clean shutdown */
};

#endif /* SSTPC_EXIT_STATUS_H */
