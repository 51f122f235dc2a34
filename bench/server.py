#!/usr/bin/env python3
"""bench/server.py - sstpd at scale (bench/server.sh runs it; bench/README.md
"Server benchmark").

Three parts, each in network namespaces of its own (ip netns; nothing
touches the host's interfaces); addresses from the documentation ranges
only.  1,000 sessions do not fit an IPv4 pool in 192.0.2.0/24, so the scale
part's clients run IPV6CP alone (IPv6-only peers) with --pool6
2001:db8:1::/64, and ping 2001:db8:1::1, which the bench adds to sstpd's
TUN; the cycles and the throughput part use IPv4 (--pool 192.0.2.128/25,
sstpd's own address 192.0.2.129; veths in 192.0.2.0/26).

  scale   sstpd (built-in backend, TUN sbd0) and bench/loadgen in one
          namespace on loopback: N sessions up (MS-CHAPv2, IPV6CP, an
          ICMPv6 echo to 2001:db8:1::1 answered by the kernel), sstpd's RSS
          before and with N idle sessions, its CPU over an idle period, a
          second ping round, then every session disconnects.
  cycles  the same sstpd: M connect / authenticate / ping / disconnect
          cycles over IPv4 (IPCP: the pool's addresses are given back;
          the way out rotates: PPP Terminate + Call Disconnect,
          Call Disconnect alone, TCP close); sstpd's fds, RSS, sessions
          listed and idle wake-ups before and after.
  tput    sstpd in a server namespace, K namespaces with `sstpc --tun`
          each (veth 192.0.2.4k+2/30 <-> 192.0.2.4k+1/30), one iperf3 TCP
          stream per client up, then down, all at once; aggregate MB/s,
          sstpd's CPU s/GB beside the clients' (sum of the sstpc processes).

PASS only on correctness (every session up and pinging, every cycle clean,
fds and sessions back to their start, RSS within the tolerance, every
sstpc connected and every iperf3 moving data); never on timing.
"""
import argparse
import json
import os
import signal
import subprocess
import sys
import time

CLK = os.sysconf("SC_CLK_TCK")
T0 = time.time()
POOL = "192.0.2.128/25"		# sstpd's address: the first, .129
SRV_ADDR = "192.0.2.129"
POOL6 = "2001:db8:1::/64"
SRV6 = "2001:db8:1::1"		# added to sstpd's TUN by the bench
PORT = 4443
USER = "bench"
RSS_TOL_KB = 4096		# cycles: RSS may grow this much (malloc arenas)


def sh(cmd, check=True, **kw):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, **kw)
    if check and r.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(cmd), r.stderr.strip()))
    return r


def proc_cpu(pid):
    """utime+stime seconds of pid, or None."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            st = f.read().rsplit(")", 1)[1].split()
        return (int(st[11]) + int(st[12])) / CLK
    except (OSError, ValueError, IndexError):
        return None


def proc_run_ns(pid):
    """Nanoseconds pid's threads ran on a CPU (/proc/PID/schedstat)."""
    try:
        with open("/proc/%d/schedstat" % pid) as f:
            return int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        return 0


def proc_status(pid):
    """VmRSS, VmHWM (KiB), context switches and fd count of pid."""
    r = {}
    try:
        with open("/proc/%d/status" % pid) as f:
            for l in f:
                k, _, v = l.partition(":")
                if k in ("VmRSS", "VmHWM"):
                    r[k] = int(v.split()[0])
                elif k in ("voluntary_ctxt_switches",
                           "nonvoluntary_ctxt_switches"):
                    r["ctxsw"] = r.get("ctxsw", 0) + int(v)
        r["fds"] = len(os.listdir("/proc/%d/fd" % pid))
    except (OSError, ValueError):
        pass
    return r


class Bench:
    def __init__(self, a):
        self.a = a
        self.b = a.build
        self.sstpd_bin = os.environ.get("SSTPD") or os.path.join(a.build,
                                                                 "sstpd")
        self.w = a.work
        self.tag = "%d" % (os.getpid() % 100000)
        self.nss = []
        self.procs = []
        self.ok = True
        self.notes = []
        self.res = {"quick": a.quick}
        with open(os.path.join(self.w, "pw"), "w") as f:
            os.fchmod(f.fileno(), 0o600)
            f.write("benchpassword\n")
        with open(os.path.join(self.w, "secrets"), "w") as f:
            os.fchmod(f.fileno(), 0o600)
            f.write('%s * "benchpassword" *\n' % USER)

    def step(self, what):
        sys.stderr.write("== %6.1f s  %s\n" % (time.time() - T0, what))
        sys.stderr.flush()

    def check(self, cond, what):
        if not cond:
            self.ok = False
            self.notes.append("FAIL: " + what)
        return cond

    # --- namespaces and processes -------------------------------------------
    def netns(self, name):
        ns = "sb-%s-%s" % (name, self.tag)
        sh(["ip", "netns", "add", ns])
        sh(["ip", "-n", ns, "link", "set", "lo", "up"])
        self.nss.append(ns)
        return ns

    def cleanup(self):
        for p in self.procs:
            if p.poll() is None:
                p.kill()
                p.wait()
        for ns in self.nss:
            r = sh(["ip", "netns", "pids", ns], check=False)
            for p in r.stdout.split():
                try:
                    os.kill(int(p), signal.SIGKILL)
                except (OSError, ValueError):
                    pass
            sh(["ip", "netns", "del", ns], check=False)
        self.nss = []

    def sstpd(self, ns, listen, log):
        ctl = os.path.join(self.w, "ctl.%s.sock" % ns)
        argv = ["ip", "netns", "exec", ns, self.sstpd_bin,
                "--listen", listen,
                "--cert", os.path.join(self.w, "srv.pem"),
                "--key", os.path.join(self.w, "srv.key"),
                "--secrets", os.path.join(self.w, "secrets"),
                "--pool", POOL, "--pool6", POOL6, "--tun", "sbd0",
                "--max-sessions", "4096", "--max-per-address", "4096",
                "--max-handshakes", "256", "--control", ctl]
        lf = open(log, "w")
        p = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                             stdout=subprocess.DEVNULL, stderr=lf)
        self.procs.append(p)
        t = time.time()
        while "sstpd ready" not in open(log).read():
            if p.poll() is not None or time.time() - t > 10:
                raise RuntimeError("sstpd did not start: " + open(log).read())
            time.sleep(0.05)
        p.ctl = ctl
        sh(["ip", "-n", ns, "-6", "addr", "add", SRV6 + "/128", "dev",
            "sbd0", "nodad"])
        return p

    def listed(self, d):
        """Sessions sstpd --list shows (lines after the header)."""
        r = sh([self.sstpd_bin, "--list", "--control",
                d.ctl], check=False)
        lines = [l for l in r.stdout.splitlines() if l.strip()]
        return max(0, len(lines) - 1) if r.returncode == 0 else -1

    def loadgen(self, ns, extra, stdin=None, v6=False):
        argv = ["ip", "netns", "exec", ns,
                os.path.join(self.b, "bench/loadgen"),
                "--connect", "127.0.0.1:%d" % PORT, "--user", USER,
                "--password-file", os.path.join(self.w, "pw")] + extra + (
                    ["--ipv6", POOL6.split("/")[0] + "/" + SRV6] if v6 else [])
        p = subprocess.Popen(argv, stdin=stdin or subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True)
        self.procs.append(p)
        return p

    @staticmethod
    def event(p, timeout):
        """The loadgen's next JSON line (None: it ended or timed out)."""
        import select
        end = time.time() + timeout
        while time.time() < end:
            r, _, _ = select.select([p.stdout], [], [], end - time.time())
            if not r:
                break
            line = p.stdout.readline()
            if not line:
                return None
            try:
                return json.loads(line)
            except ValueError:
                continue
        return None

    def idle(self, pid, secs):
        """sstpd's CPU seconds (schedstat, ns) and wake-ups/s over secs."""
        c0, s0 = proc_run_ns(pid), proc_status(pid)
        time.sleep(secs)
        c1, s1 = proc_run_ns(pid), proc_status(pid)
        return (c1 - c0) / 1e9, (s1["ctxsw"] - s0["ctxsw"]) / secs

    # --- part 1 and 2: scale and cycles ---------------------------------------
    def scale_and_cycles(self):
        a = self.a
        ns = self.netns("s")
        d = self.sstpd(ns, "127.0.0.1:%d" % PORT,
                       os.path.join(self.w, "sstpd.scale.log"))
        self.step("warm-up")
        # Warm-up: one-time allocations (OpenSSL, libevent, the TUN hub).
        p = self.loadgen(ns, ["--cycles", "20", "--window", "10"], v6=True)
        p.communicate(timeout=60)
        time.sleep(0.5)
        s0 = proc_status(d.pid)
        self.step("bring-up")
        n = a.sessions
        lg = self.loadgen(ns, ["--sessions", str(n), "--window", "128",
                               "--timeout", "30"], stdin=subprocess.PIPE,
                          v6=True)
        t0 = time.time()
        up = self.event(lg, 120)
        r = {"n": n, "rss0": s0["VmRSS"], "fds0": s0["fds"]}
        if not self.check(up is not None and up.get("sessions") == n and
                          up.get("failed") == 0, "%d sessions up: %s" %
                          (n, up)):
            r["up"] = up
            self.res["scale"] = r
            lg.kill()
            return d
        r.update({"up_ms": up["ms"], "up_ms_avg": up["up_ms_avg"],
                  "up_ms_max": up["up_ms_max"],
                  "wall_up_s": time.time() - t0})
        time.sleep(1.0)
        sN = proc_status(d.pid)
        r.update({"rssN": sN["VmRSS"], "fdsN": sN["fds"],
                  "listedN": self.listed(d)})
        r["rss_per_sess_kb"] = (sN["VmRSS"] - s0["VmRSS"]) / n
        cpu, wk = self.idle(d.pid, a.idle_secs)
        r.update({"idle_secs": a.idle_secs, "idle_cpu_s": cpu,
                  "cpu_us_per_sess_s": cpu / n / a.idle_secs * 1e6,
                  "idle_wakeups_s": wk})
        self.step("ping round")
        lg.stdin.write("ping\n")
        lg.stdin.flush()
        pg = self.event(lg, 60)
        r["ping"] = pg
        self.check(pg is not None and pg.get("answered") == n,
                   "second ping round: %s of %d answered" %
                   (pg and pg.get("answered"), n))
        self.check(r["listedN"] == n, "sstpd --list shows %s of %d" %
                   (r["listedN"], n))
        self.step("quit")
        lg.stdin.write("quit\n")
        lg.stdin.flush()
        q = self.event(lg, 60)
        r["quit"] = q
        self.check(q is not None and q.get("clean") == n,
                   "every session disconnected cleanly: %s" % q)
        lg.stdin.close()
        lg.wait(timeout=30)
        self.check(lg.returncode == 0, "loadgen exit %s: %s" %
                   (lg.returncode, lg.stderr.read().strip()[:300]))
        self.res["scale"] = r

        self.step("sstpd stop")
        self.stop_sstpd(d, "sstpd.scale.log", r)
        self.cleanup()

        # --- cycles, against a fresh sstpd --------------------------------
        self.step("cycles")
        ns = self.netns("y")
        d = self.sstpd(ns, "127.0.0.1:%d" % PORT,
                       os.path.join(self.w, "sstpd.cycles.log"))
        c = {"m": a.cycles}
        self.cycle_run(ns, 20, c, None)
        self.snap(d, c, "start")
        m1 = max(1, a.cycles // 10)
        self.cycle_run(ns, m1, c, "mid")
        self.snap(d, c, "mid")
        self.cycle_run(ns, a.cycles - m1, c, "end")
        self.snap(d, c, "end")
        c["secs"] = c["secs_mid"] + c["secs_end"]
        c["clean"] = c["lg_mid"].get("clean", 0) + c["lg_end"].get(
            "clean", 0)
        self.check(c["clean"] == a.cycles, "%d of %d cycles clean" % (
            c["clean"], a.cycles))
        self.check(c["fds_end"] == c["fds_start"], "fds %d -> %d" %
                   (c["fds_start"], c["fds_end"]))
        self.check(c["listed_end"] == 0 and c["listed_start"] == 0,
                   "sessions listed %s -> %s" % (c["listed_start"],
                                                 c["listed_end"]))
        self.check(c["rss_end"] - c["rss_mid"] <= RSS_TOL_KB,
                   "RSS %d -> %d KiB after the first 10%% (tolerance %d)" %
                   (c["rss_mid"], c["rss_end"], RSS_TOL_KB))
        self.check(c["wakeups_end"] <= c["wakeups_start"] + 2,
                   "idle wake-ups %.1f/s -> %.1f/s" % (
                       c["wakeups_start"], c["wakeups_end"]))
        self.res["cycles"] = c
        self.step("sstpd stop")
        self.stop_sstpd(d, "sstpd.cycles.log", c)
        self.cleanup()

    def snap(self, d, c, when):
        """sstpd's fds, RSS, sessions listed and idle wake-ups now."""
        time.sleep(1.0)
        st = proc_status(d.pid)
        c["fds_" + when] = st["fds"]
        c["rss_" + when] = st["VmRSS"]
        c["listed_" + when] = self.listed(d)
        c["idle_cpu_" + when], c["wakeups_" + when] = self.idle(d.pid, 2.0)

    def cycle_run(self, ns, m, c, when):
        """m connect/disconnect cycles, 32 at a time."""
        t0 = time.time()
        p = self.loadgen(ns, ["--cycles", str(m), "--window", "32"])
        out, err = p.communicate(timeout=max(120, m // 10))
        ev = [json.loads(l) for l in out.splitlines() if l.startswith("{")]
        ev = ev[-1] if ev else {}
        self.check(p.returncode == 0 and ev.get("clean") == m,
                   "cycles: %s (exit %s) %s" % (ev, p.returncode,
                                                err.strip()[:300]))
        if when:
            c["secs_" + when] = time.time() - t0
            c["lg_" + when] = ev

    def stop_sstpd(self, d, logname, r):
        """SIGTERM; exit 0 and its last counters line."""
        d.send_signal(signal.SIGTERM)
        d.wait(timeout=20)
        log = open(os.path.join(self.w, logname)).read()
        tail = [l for l in log.splitlines() if "sstpd exiting" in l]
        r["exit_line"] = tail[-1] if tail else ""
        self.check(d.returncode == 0, "sstpd exit %s" % d.returncode)

    # --- part 3: throughput ---------------------------------------------------
    def tput(self, k):
        a = self.a
        self.tag = "%d-%d" % (os.getpid() % 100000, k)
        nss = self.netns("s")
        d = self.sstpd(nss, "0.0.0.0:%d" % PORT,
                       os.path.join(self.w, "sstpd.tput%d.log" % k))
        cl, cns = [], []
        env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C"}
        for i in range(k):
            ns = self.netns("c%d" % i)
            cns.append(ns)
            vc, vs = "vc%d" % i, "vs%d" % i
            ca, sa = "192.0.2.%d" % (4 * i + 2), "192.0.2.%d" % (4 * i + 1)
            assert 4 * i + 2 < 64		# veths in 192.0.2.0/26
            sh(["ip", "link", "add", vc, "netns", ns, "type", "veth",
                "peer", "name", vs, "netns", nss])
            sh(["ip", "-n", ns, "addr", "add", ca + "/30", "dev", vc])
            sh(["ip", "-n", nss, "addr", "add", sa + "/30", "dev", vs])
            sh(["ip", "-n", ns, "link", "set", vc, "up"])
            sh(["ip", "-n", nss, "link", "set", vs, "up"])
            log = os.path.join(self.w, "sstpc.%d.%d.log" % (k, i))
            p = subprocess.Popen(
                ["ip", "netns", "exec", ns, os.path.join(self.b, "sstpc"),
                 "--tun=sstp0", "--ca-cert", os.path.join(self.w, "ca.pem"),
                 "--host", "localhost", "--user", USER, "--password-file",
                 os.path.join(self.w, "pw"), "--noipv6", "--log-file", log,
                 "--log-level", "2", "%s:%d" % (sa, PORT)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, env=env)
            self.procs.append(p)
            cl.append(p)
        self.step("tunnels")
        # Every tunnel answers a ping.
        up = 0
        for i, ns in enumerate(cns):
            end = time.time() + 20
            while time.time() < end and cl[i].poll() is None:
                if sh(["ip", "netns", "exec", ns, "ping", "-c", "1", "-W",
                       "1", SRV_ADDR], check=False).returncode == 0:
                    up += 1
                    break
                time.sleep(0.1)
        rows = []
        if not self.check(up == k, "%d of %d sstpc tunnels up" % (up, k)):
            self.cleanup()
            return rows
        self.step("iperf3")
        for reverse in (False, True):
            srvs = [subprocess.Popen(
                ["ip", "netns", "exec", nss, "iperf3", "-s", "-1", "-B",
                 SRV_ADDR, "-p", str(5201 + i)], stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL) for i in range(k)]
            self.procs += srvs
            time.sleep(0.5)
            c0 = [proc_cpu(p.pid) for p in cl]
            d0 = proc_cpu(d.pid)
            ips = [subprocess.Popen(
                ["ip", "netns", "exec", cns[i], "iperf3", "-c", SRV_ADDR,
                 "-p", str(5201 + i), "-t", str(a.secs), "-J"] +
                (["-R"] if reverse else []), stdout=subprocess.PIPE,
                stderr=subprocess.PIPE, text=True) for i in range(k)]
            outs = [p.communicate(timeout=a.secs + 60) for p in ips]
            c1 = [proc_cpu(p.pid) for p in cl]
            d1 = proc_cpu(d.pid)
            tot, secs, okn, retr = 0, 0.0, 0, 0
            for p, (o, e) in zip(ips, outs):
                try:
                    j = json.loads(o)
                    s = j["end"]["sum_received"]
                    if p.returncode == 0 and int(s["bytes"]) > 0:
                        okn += 1
                    tot += int(s["bytes"])
                    retr += int(j["end"]["sum_sent"].get("retransmits", 0))
                    secs = max(secs, float(s["seconds"]))
                except (ValueError, KeyError, TypeError):
                    pass
            for p in srvs:
                try:
                    p.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    p.kill()
            gb = tot / 1e9
            row = {"clients": k, "dir": "down" if reverse else "up",
                   "ok": okn == k, "bytes": tot, "retr": retr,
                   "mbps": tot / secs / 1e6 if secs else 0.0}
            if gb > 0 and None not in c0 + c1 + [d0, d1]:
                row["srv_cpu_s_per_gb"] = (d1 - d0) / gb
                row["cli_cpu_s_per_gb"] = (sum(c1) - sum(c0)) / gb
            self.check(okn == k, "%d clients %s: %d of %d iperf3 ok" % (
                k, row["dir"], okn, k))
            rows.append(row)
        st = proc_status(d.pid)
        for r in rows:
            r["srv_rss_kb"] = st.get("VmHWM", 0)
        self.step("stop clients")
        for p in cl:
            p.send_signal(signal.SIGTERM)
        for p in cl:
            try:
                p.wait(timeout=10)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.check(all(p.returncode == 10 for p in cl),
                   "sstpc exit statuses %s (SIGTERM: 10)" %
                   [p.returncode for p in cl])
        d.send_signal(signal.SIGTERM)
        d.wait(timeout=20)
        self.check(d.returncode == 0, "sstpd exit %s" % d.returncode)
        # The hub's counters (drops toward a full session, TSO, GRO).
        log = open(os.path.join(self.w, "sstpd.tput%d.log" % k)).read()
        tun = [l.split("info: ", 1)[-1] for l in log.splitlines()
               if "info: TUN " in l and "session dropped" not in l]
        if rows:
            rows[-1]["tun_log"] = tun
        self.cleanup()
        return rows

    # --- the table ------------------------------------------------------------
    def report(self):
        out = []
        say = out.append
        a, r = self.a, self.res
        with open("/proc/loadavg") as f:
            la = f.read().split()[0]
        cpu = "?"
        with open("/proc/cpuinfo") as f:
            for l in f:
                if l.startswith("model name"):
                    cpu = l.split(":", 1)[1].strip()
                    break
        say("sstpd at scale, %s%s" % (time.strftime("%Y-%m-%d %H:%M"),
                                      " (quick)" if a.quick else ""))
        say("machine: %s, %d CPUs, kernel %s; load average at start %s" % (
            cpu, os.cpu_count(), os.uname().release, self.load0))
        say("sstpd --pool %s --pool6 %s in the bench's own namespaces; "
            "loopback TLS 1.3, MS-CHAPv2" % (POOL, POOL6))
        s = r.get("scale")
        if s and "rssN" in s:
            say("")
            say("sessions  up in   avg/max per session  RSS 0 -> N (KiB)  "
                "KiB/session  idle CPU us/session/s  wakeups/s  pings")
            say("%8d %6.2f s   %6.1f / %4d ms      %7d -> %7d  %11.1f  "
                "%21.3f  %9.1f  %d+%d/%d" % (
                    s["n"], s["up_ms"] / 1000, s["up_ms_avg"], s["up_ms_max"],
                    s["rss0"], s["rssN"], s["rss_per_sess_kb"],
                    s["cpu_us_per_sess_s"], s["idle_wakeups_s"], s["n"],
                    (s.get("ping") or {}).get("answered", 0), s["n"]))
            say("(IPv6-only clients (IPV6CP, no IPCP); up in = loadgen "
                "start to the last session's first ICMPv6 echo reply, %d at a time in the handshake; RSS = sstpd VmRSS "
                "after a 20-cycle warm-up and 1 s after all were up; idle "
                "= %d s with every session up (CPU: /proc/PID/schedstat; "
                "sstpd's defaults: LCP echo 30 s, SSTP hello 60 s); pings = first echo + a second "
                "round later)" % (128, s["idle_secs"]))
        c = r.get("cycles")
        if c and "fds_end" in c:
            say("")
            say("cycles  clean  cycles/s   point   fds  RSS KiB  listed  "
                "idle wakeups/s")
            for w in ("start", "mid", "end"):
                say("%s   %-5s %5d %8d %7d %15.1f" % (
                    ("%6d %6d %9.1f" % (c["m"], c["clean"],
                                        c["m"] / c["secs"]))
                    if w == "start" else " " * 23, w, c["fds_" + w],
                    c["rss_" + w],
                    c["listed_" + w], c["wakeups_" + w]))
            say("(a fresh sstpd; start = after a 20-cycle warm-up, mid = "
                "after the first 10%, end = after all; 32 at a time, each "
                "TLS, HTTP, SSTP, MS-CHAPv2, IPCP, one ICMP echo answered, then "
                "out by PPP Terminate + Call Disconnect, Call Disconnect "
                "alone or a bare TCP close in turn)")
            say("  " + c.get("exit_line", ""))
        t = r.get("tput")
        if t:
            say("")
            say("clients dir   MB/s   sstpd CPU s/GB  clients CPU s/GB  "
                "sstpd peak RSS MB  ok   retr")
            for row in t:
                say("%7d %-4s %7.1f %15.2f %17.2f %18.1f  %-3s %6d" % (
                    row["clients"], row["dir"], row["mbps"],
                    row.get("srv_cpu_s_per_gb", float("nan")),
                    row.get("cli_cpu_s_per_gb", float("nan")),
                    row["srv_rss_kb"] / 1024, "yes" if row["ok"] else "NO",
                    row.get("retr", 0)))
            say("(sstpc --tun per client namespace, one iperf3 TCP stream "
                "each, %d s, all at once; MB/s = sum at the receivers; "
                "CPU = utime+stime over the transfer per 10^9 bytes: "
                "sstpd's, and the sum of the sstpc processes'; retr = TCP "
                "retransmits of the iperf3 senders)" % a.secs)
            for row in t:
                for l in row.get("tun_log", []):
                    say("  %d clients, sstpd: %s" % (row["clients"], l))
        say("")
        for n in self.notes:
            say(n)
        say("PASS" if self.ok else "FAIL")
        return "\n".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--sessions", type=int)
    ap.add_argument("--cycles", type=int)
    ap.add_argument("--clients", default=None)
    ap.add_argument("--secs", type=int)
    ap.add_argument("--idle-secs", type=int)
    ap.add_argument("--only", default="scale,tput")
    ap.add_argument("--out")
    a = ap.parse_args()
    q = a.quick
    a.sessions = a.sessions or (50 if q else 1000)
    a.cycles = a.cycles or (200 if q else 5000)
    a.secs = a.secs or (2 if q else 10)
    a.idle_secs = a.idle_secs or (2 if q else 65)
    a.clients = [int(x) for x in (a.clients or ("1" if q else "1,4,16"))
                 .split(",")]
    b = Bench(a)
    with open("/proc/loadavg") as f:
        b.load0 = f.read().split()[0]
    try:
        if "scale" in a.only:
            b.scale_and_cycles()
        if "tput" in a.only:
            b.res["tput"] = []
            for k in a.clients:
                b.res["tput"] += b.tput(k)
    except (RuntimeError, subprocess.TimeoutExpired, OSError) as e:
        b.ok = False
        b.notes.append("FAIL: %s" % e)
    finally:
        b.cleanup()
    text = b.report()
    print(text)
    if a.out:
        with open(a.out, "w") as f:
            json.dump(b.res, f, indent=1)
        with open(os.path.splitext(a.out)[0] + ".txt", "w") as f:
            f.write(text + "\n")
    return 0 if b.ok else 1


if __name__ == "__main__":
    sys.exit(main())
