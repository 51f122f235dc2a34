"""bench/builtin.py - the built-in mode (sstpc --tun) rows of bench/report.py.

One run: two network namespaces joined by a veth (192.0.2.66/30 client,
192.0.2.65/30 server), a persistent TUN sstp0 in the client namespace
(192.0.2.2 peer 192.0.2.1), sstpc --tun=sstp0 talking TLS 1.3 over the
veth to bench/sstp_tun_server, which terminates PPP into its TUN srv0
(192.0.2.1 peer 192.0.2.2) in the server namespace.  Then, through the
tunnel: ping idle, one iperf3 TCP stream up (client -> server) and one down
(-R), each with ping -i 0.2 running alongside; CPU (utime+stime) of sstpc
and of the server from /proc/PID/stat over each transfer, sstpc's peak RSS
(VmHWM).  The plain TLS pipe (bench/tls_pipe) between the same namespaces,
same cipher, both ways, is the ceiling.  Only 192.0.2.0/24 is used.
"""
import json
import os
import re
import signal
import statistics
import subprocess
import time

NS_SRV, NS_CLI = "192.0.2.65", "192.0.2.66"
TUN_SRV, TUN_CLI = "192.0.2.1", "192.0.2.2"
CLK = os.sysconf("SC_CLK_TCK")


def _sh(cmd, check=True, **kw):
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True, **kw)
    if check and r.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(cmd), r.stderr.strip()))
    return r


def proc_cpu(pid):
    """utime+stime seconds of pid (/proc/PID/stat), or None."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            st = f.read().rsplit(")", 1)[1].split()
        return (int(st[11]) + int(st[12])) / CLK
    except (OSError, ValueError, IndexError):
        return None


def proc_hwm(pid):
    """Peak RSS (VmHWM, KiB) of pid, or 0."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for l in f:
                if l.startswith("VmHWM:"):
                    return int(l.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def ping_times(text):
    """The per-packet RTTs (ms) in ping's output."""
    return [float(m) for m in re.findall(r"time=([0-9.]+) ms", text)]


def has_tun_mode(sstpc):
    """True when this sstpc has the built-in mode (--tun in --help)."""
    try:
        r = _sh([sstpc, "--help"], check=False, timeout=10)
    except OSError:
        return False
    return "--tun" in r.stdout + r.stderr


class Builtin:
    def __init__(self, build, work, sstpc, seconds, log):
        self.b = build
        self.work = work
        self.sstpc = sstpc
        self.seconds = seconds
        self.log = log          # callable(str) for progress lines
        self.seq = 0
        self.nsc = self.nss = None
        self.cipher = "TLS_AES_256_GCM_SHA384"

    # --- namespaces ---------------------------------------------------------
    def up(self):
        tag = "%d-%d" % (os.getpid() % 100000, self.seq)
        self.nsc, self.nss = "sstpcb-c-" + tag, "sstpcb-s-" + tag
        for ns in (self.nsc, self.nss):
            _sh(["ip", "netns", "add", ns])
            _sh(["ip", "-n", ns, "link", "set", "lo", "up"])
        _sh(["ip", "link", "add", "vc0", "netns", self.nsc, "type", "veth",
             "peer", "name", "vs0", "netns", self.nss])
        _sh(["ip", "-n", self.nsc, "addr", "add", NS_CLI + "/30", "dev",
             "vc0"])
        _sh(["ip", "-n", self.nss, "addr", "add", NS_SRV + "/30", "dev",
             "vs0"])
        _sh(["ip", "-n", self.nsc, "link", "set", "vc0", "up"])
        _sh(["ip", "-n", self.nss, "link", "set", "vs0", "up"])
        # The client's TUN, persistent and configured beforehand (as for
        # a rootless user): sstpc attaches to it.
        _sh(["ip", "-n", self.nsc, "tuntap", "add", "dev", "sstp0", "mode",
             "tun"])
        _sh(["ip", "-n", self.nsc, "addr", "add", TUN_CLI, "peer", TUN_SRV,
             "dev", "sstp0"])
        _sh(["ip", "-n", self.nsc, "link", "set", "sstp0", "up"])

    def down(self):
        for ns in (self.nsc, self.nss):
            if not ns:
                continue
            r = _sh(["ip", "netns", "pids", ns], check=False)
            for p in r.stdout.split():
                try:
                    os.kill(int(p), signal.SIGKILL)
                except (OSError, ValueError):
                    pass
            _sh(["ip", "netns", "del", ns], check=False)
        self.nsc = self.nss = None

    def in_c(self, *cmd):
        return ["ip", "netns", "exec", self.nsc] + list(cmd)

    def in_s(self, *cmd):
        return ["ip", "netns", "exec", self.nss] + list(cmd)

    # --- pieces ---------------------------------------------------------------
    def start_file_server(self, argv, port_file):
        p = subprocess.Popen(argv, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE, text=True)
        t = time.time()
        while not os.path.exists(port_file):
            if p.poll() is not None or time.time() - t > 10:
                raise RuntimeError("%s did not start: %s" % (
                    os.path.basename(argv[4]), p.stderr.read()))
            time.sleep(0.01)
        return p, int(open(port_file).read())

    def wait_tunnel(self, sstpc, srep, timeout=15):
        """Until a ping through the tunnel answers."""
        end = time.time() + timeout
        while time.time() < end:
            if sstpc.poll() is not None:
                return False
            r = _sh(self.in_c("ping", "-c", "1", "-W", "1", TUN_SRV),
                    check=False)
            if r.returncode == 0:
                return True
            time.sleep(0.1)
        return False

    def iperf(self, reverse, sstpc_pid, srv_pid):
        """One iperf3 TCP stream with ping alongside; the run's dict."""
        srv = subprocess.Popen(self.in_s("iperf3", "-s", "-1", "-B", TUN_SRV),
                               stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
        time.sleep(0.3)
        c0, s0 = proc_cpu(sstpc_pid), proc_cpu(srv_pid)
        cmd = self.in_c("iperf3", "-c", TUN_SRV, "-t", str(self.seconds),
                        "-J") + (["-R"] if reverse else [])
        ip = subprocess.Popen(cmd, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
        time.sleep(0.5)
        n = max(2, int((self.seconds - 1) / 0.2))
        pg = subprocess.Popen(self.in_c("ping", "-i", "0.2", "-c", str(n),
                                        "-W", "2", TUN_SRV),
                              stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
        out, err = ip.communicate(timeout=self.seconds + 60)
        c1, s1 = proc_cpu(sstpc_pid), proc_cpu(srv_pid)
        pout, _ = pg.communicate(timeout=30)
        try:
            srv.wait(timeout=5)
        except subprocess.TimeoutExpired:
            srv.kill()
            srv.wait()
        r = {"direction": "down" if reverse else "up", "ok": False,
             "mbps": 0.0, "bytes": 0, "ping_load": ping_times(pout),
             "ping_sent": n}
        try:
            j = json.loads(out)
            e = j["end"]["sum_received"]
            r["bytes"] = int(e["bytes"])
            r["secs"] = float(e["seconds"])
            r["mbps"] = r["bytes"] / r["secs"] / 1e6 if r["secs"] else 0.0
            r["retrans"] = j["end"].get("sum_sent", {}).get("retransmits")
            r["ok"] = ip.returncode == 0 and r["bytes"] > 0
            if "error" in j:
                r["err"] = j["error"]
                r["ok"] = False
        except (ValueError, KeyError, TypeError) as x:
            r["err"] = "iperf3: %s %s" % (x, err.strip()[:200])
        if None not in (c0, c1, s0, s1) and r["bytes"]:
            gb = r["bytes"] / 1e9
            r["cpu"] = c1 - c0
            r["cpu_s_per_gb"] = (c1 - c0) / gb
            r["srv_cpu_s_per_gb"] = (s1 - s0) / gb
        return r

    def tls_pipe(self, direction, nbytes):
        """The plain TLS 1.3 pipe, one way; the receiver's report."""
        self.seq += 1
        pf = os.path.join(self.work, "tp.port.%d" % self.seq)
        rep = {s: os.path.join(self.work, "tp.%s.%d.json" % (s, self.seq))
               for s in ("server", "client")}
        common = ["--dir", direction, "--bytes", str(nbytes),
                  "--ciphersuites", self.cipher]
        prog = os.path.join(self.b, "bench/tls_pipe")
        sp, port = self.start_file_server(
            self.in_s(prog, "server", "--cert",
                      os.path.join(self.work, "srv.pem"), "--key",
                      os.path.join(self.work, "srv.key"), "--listen", NS_SRV,
                      "--port-file", pf, "--report", rep["server"]) + common,
            pf)
        c = _sh(self.in_c(prog, "client", "--connect", NS_SRV, "--port",
                          str(port), "--report", rep["client"]) + common,
                check=False, timeout=120)
        sp.wait(timeout=30)
        rx = rep["server"] if direction == "up" else rep["client"]
        try:
            d = json.load(open(rx))
        except (OSError, ValueError):
            d = {"ok": False, "mbps": 0.0, "err": c.stderr.strip()[:200]}
        for f in list(rep.values()) + [pf]:
            if os.path.exists(f):
                os.unlink(f)
        return {"client": "tls-pipe", "mode": "tls", "direction": direction,
                "mbps": d.get("mbps", 0.0), "cpu_s_per_gb": None,
                "rss_kb": None, "ok": bool(d.get("ok")),
                "cipher": d.get("cipher")}

    # --- one run: connect, ping, up, down, disconnect ---------------------------
    def run(self, pipe_bytes):
        """Returns the run's rows (sstpc up, down; TLS pipe up, down)."""
        self.seq += 1
        tag = "%d" % self.seq
        pf = os.path.join(self.work, "ts.port." + tag)
        srep = os.path.join(self.work, "ts.%s.json" % tag)
        log = os.path.join(self.work, "sstpc-tun.%s.log" % tag)
        pw = os.path.join(self.work, "tun.pw")
        with open(pw, "w") as f:
            os.fchmod(f.fileno(), 0o600)
            f.write("benchpassword\n")
        rows, info = [], {"log": log}
        self.up()
        try:
            srv, port = self.start_file_server(self.in_s(
                os.path.join(self.b, "bench/sstp_tun_server"),
                "--cert", os.path.join(self.work, "srv.pem"),
                "--key", os.path.join(self.work, "srv.key"),
                "--tun", "srv0", "--listen", NS_SRV, "--local", TUN_SRV,
                "--peer", TUN_CLI, "--port-file", pf, "--report", srep,
                "--timeout", str(6 * self.seconds + 120)), pf)
            _sh(["ip", "-n", self.nss, "addr", "add", TUN_SRV, "peer",
                 TUN_CLI, "dev", "srv0"])
            _sh(["ip", "-n", self.nss, "link", "set", "srv0", "up"])
            env = {"PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "LANG": "C"}
            cl = subprocess.Popen(self.in_c(
                self.sstpc, "--tun=sstp0", "--ca-cert",
                os.path.join(self.work, "ca.pem"), "--host", "localhost",
                "--user", "bench", "--password-file", pw,
                "--log-file", log, "--log-level", "2",
                "%s:%d" % (NS_SRV, port)), stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
            up = self.wait_tunnel(cl, srep)
            info["connected"] = up
            if up:
                pg = _sh(self.in_c("ping", "-c", "10", "-i", "0.2", TUN_SRV),
                         check=False)
                info["ping_idle"] = ping_times(pg.stdout)
                for reverse in (False, True):
                    r = self.iperf(reverse, cl.pid, srv.pid)
                    r.update({"client": "sstpc", "mode": "tun",
                              "rss_kb": proc_hwm(cl.pid),
                              "ping_idle": info["ping_idle"]})
                    rows.append(r)
            info["rss_kb"] = proc_hwm(cl.pid)
            cpu_total = proc_cpu(cl.pid)
            if cl.poll() is None:
                cl.send_signal(signal.SIGTERM)
            try:
                cl.wait(timeout=10)
            except subprocess.TimeoutExpired:
                cl.kill()
                cl.wait()
            info["exit"] = cl.returncode
            info["cpu_total"] = cpu_total
            try:
                srv.wait(timeout=10)
            except subprocess.TimeoutExpired:
                srv.terminate()
                srv.wait()
            try:
                info["server"] = json.load(open(srep))
                if info["server"].get("cipher"):
                    self.cipher = info["server"]["cipher"]
            except (OSError, ValueError):
                info["server"] = {}
            s = info["server"]
            for r in rows:
                r["mac"] = s.get("mac")
                r["tls"] = s.get("tls")
                r["cipher"] = s.get("cipher")
                r["exit"] = cl.returncode
                # Delivery: the tunnel came up with a verified Call
                # Connected, iperf3 moved data, ping through it answered,
                # sstpc ended as it documents for SIGTERM (10).
                r["ok"] = (r["ok"] and s.get("mac") == "ok" and
                           len(r["ping_load"]) > 0 and
                           cl.returncode in (0, 10))
            if not up:
                err = cl.stderr.read() if cl.stderr else ""
                for d in ("up", "down"):
                    rows.append({"client": "sstpc", "mode": "tun",
                                 "direction": d, "mbps": 0.0, "ok": False,
                                 "rss_kb": info.get("rss_kb"),
                                 "err": "tunnel never came up: %s" %
                                 err.strip()[-300:]})
        finally:
            self.down()
        # The ceiling, with the cipher the sstpc run negotiated.
        self.up()
        try:
            for d in ("up", "down"):
                rows.append(self.tls_pipe(d, pipe_bytes))
        finally:
            self.down()
        if all(r.get("ok") for r in rows) and os.path.exists(log):
            os.unlink(log)
        for r in rows:
            r["run"] = info.get("server", {}).get("why", "")
        return rows, info


def med(xs):
    xs = [x for x in xs if x is not None and x == x]
    return statistics.median(xs) if xs else float("nan")


def table(rows, pty_summary, say):
    """The built-in table, its ratios and the goals.  pty_summary maps
    (mode, ascii, client) to the pty rows' medians (report.py)."""
    say("built-in mode (sstpc --tun): client ns -> sstp0 -> sstpc -> TLS 1.3 "
        "over a veth -> sstp_tun_server")
    say(" -> srv0 -> server ns; one iperf3 TCP stream each way; the plain "
        "TLS 1.3 pipe (tls_pipe) as the ceiling")
    say()
    hdr = "%-5s %-9s %9s %11s %9s %9s %7s %9s %9s %5s" % (
        "dir", "client", "MB/s", "(min-max)", "CPU s/GB", "srv s/GB",
        "RSS MB", "ping idle", "ping load", "runs")
    say(hdr)
    say("-" * len(hdr))
    res = {}
    for d in ("up", "down"):
        for cl in ("sstpc", "tls-pipe"):
            rs = [r for r in rows if r["client"] == cl and
                  r["direction"] == d]
            ok = [r for r in rs if r.get("ok")]
            if not rs:
                continue
            m = {"mbps": med([r["mbps"] for r in ok]),
                 "cpu": med([r.get("cpu_s_per_gb") for r in ok]),
                 "srv": med([r.get("srv_cpu_s_per_gb") for r in ok]),
                 "rss": max([r.get("rss_kb") or 0 for r in ok] or [0]) / 1024,
                 "idle": med([t for r in ok for t in r.get("ping_idle", [])]),
                 "load": med([t for r in ok for t in r.get("ping_load", [])])}
            res[(d, cl)] = m
            mb = [r["mbps"] for r in ok]
            rng = "%.0f-%.0f" % (min(mb), max(mb)) if mb else "-"
            f = lambda x, fmt: fmt % x if x == x else "-"
            say("%-5s %-9s %9.1f %11s %9s %9s %7s %9s %9s %2d/%d" % (
                d, cl, m["mbps"], rng, f(m["cpu"], "%.2f"),
                f(m["srv"], "%.2f"),
                f(m["rss"], "%.1f") if cl == "sstpc" else "-",
                f(m["idle"], "%.2f"), f(m["load"], "%.2f"), len(ok),
                len(rs)))
    say("(MB/s = iperf3 TCP payload at the receiver, 10^6/s; CPU s/GB = sstpc "
        "utime+stime (/proc) over the transfer")
    say(" per 10^9 payload bytes; srv = sstp_tun_server's; RSS = sstpc's "
        "VmHWM; ping = median RTT ms through the")
    say(" tunnel, idle and with the transfer running (ping -i 0.2); medians "
        "over the runs that delivered)")
    say()
    say("goals (built-in sstpc against sstp-client 1.0.18's better pty row "
        "of the same run, and the TLS pipe):")
    verdicts = []
    for d in ("up", "down"):
        o = res.get((d, "sstpc"))
        p = res.get((d, "tls-pipe"))
        refs = [pty_summary.get((d, a, "1.0.18")) for a in (False, True)]
        refs = [x for x in refs if x]
        if o is None:
            continue
        line = "  %-5s" % d
        if refs:
            rmb = max(x["mbps"] for x in refs)
            rcpu = min(x["cpu_gb"] for x in refs)
            a = o["mbps"] / rmb if rmb else float("nan")
            b = o["cpu"] / rcpu if rcpu else float("nan")
            line += " MB/s %.2fx 1.0.18 (goal >= 4: %s)  CPU/GB %.3f of " \
                "1.0.18 (goal <= 0.25: %s)" % (
                    a, "met" if a >= 4 else "MISSED", b,
                    "met" if b <= 0.25 else "MISSED")
        else:
            line += " (no 1.0.18 rows in this run)"
        if p and p["mbps"] == p["mbps"] and p["mbps"]:
            c = o["mbps"] / p["mbps"]
            line += "  TLS pipe %.0f%% (goal >= 40%%: %s)" % (
                100 * c, "met" if c >= 0.4 else "MISSED")
        if o["load"] == o["load"] and o["idle"] == o["idle"]:
            dl = o["load"] - o["idle"]
            line += "  ping +%.2f ms (goal <= 5: %s)" % (
                dl, "met" if dl <= 5 else "MISSED")
        say(line)
        verdicts.append(line)
    return res
