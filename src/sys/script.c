/*
 * script.c - the vpnc-script runner (see script.h).  The variables are
 * those openconnect documents for its scripts (BUILTIN-PPP.md section 3);
 * how the stock script reads them is noted in script.h.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "util/log.h"
#include "util/nelem.h"
#include "sys/script.h"

#define SCRIPT_SHELL	"/bin/sh"
#define SCRIPT_KILL_MS	1000
#define SCRIPT_NAP_MS	10

static const char *const script_reasons[] = {
	"pre-init", "connect", "disconnect", "attempt-reconnect", "reconnect"
};

bool
script_reason_ok(const char *reason)
{
	size_t i;

	for (i = 0; i < NELEM(script_reasons); i++)
		if (strcmp(reason, script_reasons[i]) == 0)
			return true;
	return false;
}

/* Append NAME=value (printf) to env; a full env sets overflow. */
static void __attribute__((format(printf, 3, 4)))
script_env_add(struct script_env *e, const char *name, const char *fmt, ...)
{
	size_t room = sizeof e->buf - e->used;
	char *p = e->buf + e->used;
	va_list ap;
	int n, m;

	if (e->overflow || e->n >= SCRIPT_ENV_MAX) {
		e->overflow = true;
		return;
	}
	n = snprintf(p, room, "%s=", name);
	if (n < 0 || (size_t)n >= room) {
		e->overflow = true;
		return;
	}
	va_start(ap, fmt);
	m = vsnprintf(p + n, room - (size_t)n, fmt, ap);
	va_end(ap);
	if (m < 0 || (size_t)(n + m) >= room) {
		e->overflow = true;
		return;
	}
	e->vars[e->n++] = p;
	e->vars[e->n] = NULL;
	e->used += (size_t)(n + m) + 1;
}

/* Up to two IPv4 addresses (0: none), space separated, into out. */
static void
script_addr_list(const uint32_t v[2], char *out, size_t len)
{
	char a[INET_ADDRSTRLEN];
	size_t i, k = 0;

	out[0] = '\0';
	for (i = 0; i < 2; i++) {
		if (v[i] == 0 || inet_ntop(AF_INET, &v[i], a, sizeof a) ==
		    NULL)
			continue;
		k += (size_t)snprintf(out + k, len - k, "%s%s", k > 0 ? " " :
		    "", a);
		if (k >= len)
			break;
	}
}

/* Dotted netmask of prefixlen (0..32; more is taken as 32). */
static void
script_mask4(unsigned plen, char *out, size_t len)
{
	uint32_t m = plen == 0 ? 0 : plen >= 32 ? 0xffffffffU :
	    htonl(0xffffffffU << (32 - plen));

	if (inet_ntop(AF_INET, &m, out, (socklen_t)len) == NULL)
		snprintf(out, len, "?");
}

/* One CISCO_SPLIT_INC_<n> entry. */
static void
script_split4(struct script_env *e, size_t n, const uint8_t addr[4],
    unsigned plen)
{
	char a[INET_ADDRSTRLEN], m[INET_ADDRSTRLEN], name[48];

	if (inet_ntop(AF_INET, addr, a, sizeof a) == NULL)
		snprintf(a, sizeof a, "?");
	script_mask4(plen, m, sizeof m);
	snprintf(name, sizeof name, "CISCO_SPLIT_INC_%zu_ADDR", n);
	script_env_add(e, name, "%s", a);
	snprintf(name, sizeof name, "CISCO_SPLIT_INC_%zu_MASK", n);
	script_env_add(e, name, "%s", m);
	snprintf(name, sizeof name, "CISCO_SPLIT_INC_%zu_MASKLEN", n);
	script_env_add(e, name, "%u", plen);
}

/* The routes: CISCO_SPLIT_INC* and CISCO_IPV6_SPLIT_INC* (script.h). */
static void
script_env_routes(struct script_env *e, const struct script_info *si)
{
	static const uint8_t any[4];
	const struct hostconf_conf *c = si->conf;
	const struct ppp_ip_info *ip = si->ip;
	char a[INET6_ADDRSTRLEN], name[48];
	size_t i, n4 = 0, n6 = 0;

	if (ip->have_ip4 && ip->peer4 != 0 && ip->peer4 != ip->local4)
		script_split4(e, n4++, (const uint8_t *)&ip->peer4, 32);
	for (i = 0; i < c->n_routes; i++)
		if (c->routes[i].family == AF_INET)
			script_split4(e, n4++, c->routes[i].addr,
			    c->routes[i].prefixlen);
	if (c->defaultroute && ip->have_ip4)
		script_split4(e, n4++, any, 0);
	script_env_add(e, "CISCO_SPLIT_INC", "%zu", n4);
	for (i = 0; i < c->n_routes; i++) {
		if (c->routes[i].family != AF_INET6)
			continue;
		if (inet_ntop(AF_INET6, c->routes[i].addr, a, sizeof a) ==
		    NULL)
			snprintf(a, sizeof a, "?");
		snprintf(name, sizeof name, "CISCO_IPV6_SPLIT_INC_%zu_ADDR",
		    n6);
		script_env_add(e, name, "%s", a);
		snprintf(name, sizeof name, "CISCO_IPV6_SPLIT_INC_%zu_MASKLEN",
		    n6);
		script_env_add(e, name, "%u", c->routes[i].prefixlen);
		n6++;
	}
	script_env_add(e, "CISCO_IPV6_SPLIT_INC", "%zu", n6);
}

int
script_env_build(struct script_env *e, const char *reason,
    const struct script_info *si)
{
	const struct ppp_ip_info *ip = si->ip;
	char a[INET6_ADDRSTRLEN], l[64];
	uint8_t ll[16];
	unsigned mtu;

	memset(e, 0, sizeof *e);
	script_env_add(e, "PATH", "%s", SCRIPT_PATH);
	script_env_add(e, "reason", "%s", reason);
	script_env_add(e, "TUNDEV", "%s", si->conf->ifname);
	script_env_add(e, "VPNGATEWAY", "%s", si->gateway != NULL ?
	    si->gateway : "");
	script_env_add(e, "VPNPID", "%ld", (long)si->vpnpid);
	script_env_add(e, "LOG_LEVEL", "%d", si->log_level);
	if (ip != NULL && ip->have_ip4 &&
	    inet_ntop(AF_INET, &ip->local4, a, sizeof a) != NULL) {
		script_env_add(e, "INTERNAL_IP4_ADDRESS", "%s", a);
		script_env_add(e, "INTERNAL_IP4_NETMASK", "255.255.255.255");
		script_env_add(e, "INTERNAL_IP4_NETMASKLEN", "32");
		script_env_add(e, "INTERNAL_IP4_NETADDR", "%s", a);
		mtu = ip->mtu != 0 ? ip->mtu : si->conf->mtu;
		if (mtu != 0)
			script_env_add(e, "INTERNAL_IP4_MTU", "%u", mtu);
		script_addr_list(ip->dns4, l, sizeof l);
		if (si->conf->usepeerdns && l[0] != '\0')
			script_env_add(e, "INTERNAL_IP4_DNS", "%s", l);
		script_addr_list(ip->nbns4, l, sizeof l);
		if (l[0] != '\0')
			script_env_add(e, "INTERNAL_IP4_NBNS", "%s", l);
	}
	if (ip != NULL && ip->have_ip6) {
		memset(ll, 0, sizeof ll);
		ll[0] = 0xfe;
		ll[1] = 0x80;
		memcpy(ll + 8, ip->local_ifid, 8);
		if (inet_ntop(AF_INET6, ll, a, sizeof a) != NULL) {
			script_env_add(e, "INTERNAL_IP6_ADDRESS", "%s", a);
			script_env_add(e, "INTERNAL_IP6_NETMASK", "%s/64", a);
		}
	}
	if (ip != NULL)
		script_env_routes(e, si);
	return e->overflow ? -ENOSPC : 0;
}

const char *
script_env_get(const struct script_env *e, const char *name)
{
	size_t i, k = strlen(name);

	for (i = 0; i < e->n; i++)
		if (strncmp(e->vars[i], name, k) == 0 && e->vars[i][k] == '=')
			return e->vars[i] + k + 1;
	return NULL;
}

/* Monotonic milliseconds. */
static uint64_t
script_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000U + (uint64_t)ts.tv_nsec / 1000000U;
}

/* In the child: stdin /dev/null, default signals, no other descriptor. */
static void
script_child_setup(void)
{
	static const int sigs[] = { SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGCHLD,
	    SIGUSR1 };
	sigset_t none;
	size_t i;
	int fd;

	(void)setpgid(0, 0);
	for (i = 0; i < NELEM(sigs); i++)
		signal(sigs[i], SIG_DFL);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	fd = open("/dev/null", O_RDONLY);
	if (fd >= 0 && fd != 0) {
		dup2(fd, 0);
		close(fd);
	}
#ifdef HAVE_CLOSEFROM
	closefrom(3);
#else
	for (fd = 3; fd < 1024; fd++)
		close(fd);
#endif
}

/* Wait for pid until deadline (ms): 1 reaped, 0 not yet, -errno. */
static int
script_wait(pid_t pid, uint64_t deadline, int *status)
{
	struct timespec nap = { 0, SCRIPT_NAP_MS * 1000000L };
	pid_t r;

	for (;;) {
		r = waitpid(pid, status, WNOHANG);
		if (r == pid)
			return 1;
		if (r < 0 && errno != EINTR)
			return -errno;	/* ECHILD: reaped elsewhere */
		if (script_now_ms() >= deadline)
			return 0;
		nanosleep(&nap, NULL);
	}
}

int
script_run(const char *cmd, const struct script_env *env,
    unsigned timeout_ms, char *err, size_t errlen)
{
	char *argv[] = { (char *)SCRIPT_SHELL, (char *)"-c", (char *)cmd,
	    NULL };
	int status = 0, r;
	pid_t pid;

	if (env->overflow) {
		snprintf(err, errlen, "environment too large");
		return -1;
	}
	/* sh -c '' succeeds: a blank command is a mistake, not a no-op. */
	if (cmd[strspn(cmd, " \t")] == '\0') {
		snprintf(err, errlen, "empty command");
		return -1;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid == 0) {
		script_child_setup();
		execve(SCRIPT_SHELL, argv, env->vars);
		_exit(127);
	}
	(void)setpgid(pid, pid);	/* either side may win the race */
	r = script_wait(pid, script_now_ms() + timeout_ms, &status);
	if (r < 0) {
		snprintf(err, errlen, "wait: %s", strerror(-r));
		return -1;
	}
	if (r == 0) {
		kill(-pid, SIGTERM);
		if (script_wait(pid, script_now_ms() + SCRIPT_KILL_MS,
		    &status) == 0) {
			kill(-pid, SIGKILL);
			waitpid(pid, &status, 0);
		}
		snprintf(err, errlen, "timed out after %u s", timeout_ms /
		    1000U);
		return -1;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		snprintf(err, errlen, "exit status %d%s", WEXITSTATUS(status),
		    WEXITSTATUS(status) == 127 ? " (not found or not "
		    "executable)" : "");
	else if (WIFSIGNALED(status))
		snprintf(err, errlen, "killed by signal %d",
		    WTERMSIG(status));
	else
		snprintf(err, errlen, "ended with status 0x%x", status);
	return -1;
}
