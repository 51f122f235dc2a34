/*
 * script.h - --script: run a vpnc-script-compatible script (the Debian
 * package vpnc-scripts is the reference; BUILTIN-PPP.md section 3) for
 * the built-in mode's host configuration.
 *
 * Reasons: pre-init (before the TUN is opened), connect (the Network phase
 * is up), disconnect (it went down, or the session ends), attempt-reconnect
 * and reconnect (--persist).  The environment is built from nothing: no
 * variable of sstpc's own environment reaches the script (no inherited
 * secrets), only PATH (a fixed safe value) and:
 *   reason TUNDEV VPNGATEWAY VPNPID LOG_LEVEL
 *   INTERNAL_IP4_ADDRESS INTERNAL_IP4_NETMASK=255.255.255.255
 *   INTERNAL_IP4_NETMASKLEN=32 INTERNAL_IP4_NETADDR (= the address)
 *   INTERNAL_IP4_MTU INTERNAL_IP4_DNS (with --usepeerdns; space separated)
 *   INTERNAL_IP4_NBNS
 *   INTERNAL_IP6_ADDRESS=fe80::ifid INTERNAL_IP6_NETMASK=fe80::ifid/64
 *   CISCO_SPLIT_INC, CISCO_SPLIT_INC_<n>_ADDR/_MASK/_MASKLEN
 *   CISCO_IPV6_SPLIT_INC, CISCO_IPV6_SPLIT_INC_<n>_ADDR/_MASKLEN
 * CISCO_SPLIT_INC is always set, because the stock vpnc-script reads an
 * unset or empty CISCO_SPLIT_INC as "everything through the tunnel" and
 * replaces the default route (do_connect: `elif [ -n
 * "$INTERNAL_IP4_ADDRESS" ]; then set_default_route`), while with
 * CISCO_SPLIT_INC=0 it adds no route at all.  Its entries, in order: the
 * peer's host route (when the server gave a peer address; the built-in
 * configuration gets it from the point-to-point address), each IPv4
 * --route, and 0.0.0.0/0 with --defaultroute (the script then saves and
 * replaces the default route, and restores it on disconnect).
 * CISCO_IPV6_SPLIT_INC is always set too (0 without IPv6 --route): a
 * link-local-only tunnel gets no IPv6 default route.
 *
 * The command: the value of --script is run as `/bin/sh -c CMD` (as
 * openconnect runs its --script), so quoting, several words and shell
 * constructs work: `--script 'sudo -E /usr/share/vpnc-scripts/vpnc-script'`,
 * or a path with a space in it when quoted.  The shell and what it starts
 * get only the environment below, so a name without a '/' is looked up in
 * the fixed PATH.  It runs in its own process group with stdin on
 * /dev/null and no descriptor but 0-2; after SCRIPT_TIMEOUT_MS the whole
 * group (the shell and whatever it started) is sent SIGTERM, one second
 * later SIGKILL.  Its exit status is logged (127: the shell found no such
 * command).  A command of blanks only is refused.
 */
#ifndef SSTPC_SYS_SCRIPT_H
#define SSTPC_SYS_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ppp/ppp_engine.h"
#include "sys/hostconf.h"

#define SCRIPT_TIMEOUT_MS	10000
#define SCRIPT_ENV_MAX		(16 + 4 * (HOSTCONF_ROUTES_MAX + 2))
#define SCRIPT_ENV_BYTES	12288
#define SCRIPT_PATH		"/usr/local/sbin:/usr/local/bin:/usr/sbin:" \
				"/usr/bin:/sbin:/bin"

/* The script's environment: NULL-terminated vars[] pointing into buf. */
struct script_env {
	char		*vars[SCRIPT_ENV_MAX + 1];
	size_t		 n;
	char		 buf[SCRIPT_ENV_BYTES];
	size_t		 used;
	bool		 overflow;
};

/* What the environment is built from. */
struct script_info {
	const struct hostconf_conf *conf;	/* ifname, routes, flags */
	const struct ppp_ip_info *ip;		/* NULL: pre-init */
	const char		*gateway;	/* numeric, "" if unknown */
	pid_t			 vpnpid;
	int			 log_level;
};

/*
 * Build the environment for reason ("pre-init", "connect", ...).  0, or
 * -ENOSPC when it did not fit (nothing is run then).
 */
int	script_env_build(struct script_env *, const char *reason,
	    const struct script_info *);
/* The value of NAME in env, or NULL (for tests and logs). */
const char *script_env_get(const struct script_env *, const char *name);
/* Is reason one of the five? */
bool	script_reason_ok(const char *reason);
/*
 * Run cmd (see the top) with env and wait, at most timeout_ms.  Returns 0
 * when it exited with status 0; otherwise -1 with "exit status N", "killed
 * by signal N", "timed out after N s" or the exec/fork failure in err.
 */
int	script_run(const char *cmd, const struct script_env *env,
	    unsigned timeout_ms, char *err, size_t errlen);

#endif /* SSTPC_SYS_SCRIPT_H */
