#!/usr/bin/env python3
"""support/pty-hot.py - regenerate src/sstpc/pty-hot.ld, the list of the
functions a pty-mode run of sstpc executes, which the link puts first in
the program's text (configure: PTY_HOT_LDFLAGS).

Why: the kernel maps a program's text in 64 KiB fault-around windows, so
every window holding one executed function is resident.  Spread over the
whole text, the 76 KiB a pty run executes made all of its 250 KiB
resident; packed at the start of a 64 KiB-aligned text segment, in a
mapping of their own, they fill one window and the 20 KiB left of a second
(TODO, bench/README.md "Memory").  A stale list costs memory,
never behaviour: a function missing from it is linked after the packed
ones.

Usage, as root on a machine that can run bench/run.sh:

    mkdir /tmp/cov && cd /tmp/cov && $TOP/configure CFLAGS='-O2 -g --coverage' \\
        LDFLAGS=--coverage && make sstpc bench/bench_pty bench/sstp_sink
    support/pty-hot.py --build /tmp/cov --bench-build BUILD

It runs the bench's memory pass (--runs pty runs up and down, as
bench/report.py does) with that build's sstpc and BUILD's (an ordinary
build's) bench_pty and sstp_sink, whose own counts would otherwise mix in
(they share libsstpcore), reads the counts with `gcov --json-format` and
writes the linker script (--out, src/sstpc/pty-hot.ld by default).
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(TOP, "bench"))

HEADER = """\
/*
 * pty-hot.ld - the functions a pty-mode run of sstpc executes, packed at
 * the start of the text so that they share as few 64 KiB fault-around
 * windows as they can (the program is linked 64 KiB-aligned).  Written by
 * support/pty-hot.py from a coverage build's bench run; do not edit.  An
 * INSERT script: the rest of GNU ld's (or lld's) default layout stays.
 * .fini (run at exit, after the peak is counted) would otherwise sit at
 * the end of the text, alone in the last window; the C runtime's start-up
 * objects (_start, frame_dummy, ...) at the start of the rest.
 *
 * After them the address skips one MAXPAGESIZE, keeping the offset within
 * the page (as the default script does before .rodata): the linker then
 * starts a new PT_LOAD for the rest of the text, with no padding in the
 * file.  The packed functions become a mapping of their own, and since
 * fault-around never crosses the end of a mapping, their last window holds
 * only what is left of them (20 KiB, not 64).
 */
SECTIONS
{
	.text.pty :
	{
		KEEP (*(SORT_NONE(.fini)))
		*(.text.startup .text.startup.*)
		*crt1.o(.text .text.*)
		*crti.o(.text .text.*)
		*crtbegin*.o(.text .text.*)
		*crtend*.o(.text .text.*)
		*crtn.o(.text .text.*)
		*libgcc.a:cpuinfo.o(.text .text.*)
"""
FOOTER = """\
	}
	. = ALIGN(CONSTANT (MAXPAGESIZE)) + CONSTANT (MAXPAGESIZE) +
	    (. & (CONSTANT (MAXPAGESIZE) - 1));
}
INSERT BEFORE .text;
"""


def make_pki(work):
    """The bench's throw-away PKI (as bench/run.sh makes it)."""
    cmds = [
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
        "-nodes -keyout ca.key -out ca.pem -days 1 -subj '/CN=hot CA' "
        "-addext basicConstraints=critical,CA:TRUE "
        "-addext keyUsage=critical,keyCertSign",
        "openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
        "-keyout srv.key -out srv.csr -subj /CN=localhost",
        "printf '%s\\n' subjectAltName=DNS:localhost,IP:127.0.0.1 "
        "extendedKeyUsage=serverAuth basicConstraints=CA:FALSE >ext.cnf",
        "openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key "
        "-CAcreateserial -days 1 -extfile ext.cnf -out srv.pem",
    ]
    for c in cmds:
        subprocess.run(c, shell=True, cwd=work, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def run_bench(build, bench_build, runs):
    """runs pty memory runs each way with the coverage build's sstpc; the
    counts add up, so a function that runs only now and then (a timer, a
    short write) is listed once any run took it.  The unprivileged process
    chroots to --priv-dir: / keeps the .gcda paths; umask 0 lets it and
    its privileged monitor add to each other's."""
    import report
    os.umask(0)
    for d, _, _ in os.walk(build):
        os.chmod(d, 0o777)      # the dropped process writes its .gcda
    for f in glob.glob(os.path.join(build, "**/*.gcda"), recursive=True):
        os.unlink(f)

    class A:
        pass
    a = A()
    a.build, a.ours, a.ref = bench_build, os.path.join(build, "sstpc"), None
    with tempfile.TemporaryDirectory() as work:
        a.work = work
        make_pki(work)
        os.makedirs("/var/run/sstpc", exist_ok=True)
        argv0 = report.Bench.client_argv
        by_name = [False]

        def argv(self, *x):
            v = argv0(self, *x)
            if by_name[0]:
                v[-1] = v[-1].replace("127.0.0.1:", "localhost:")
            return v[:1] + ["--priv-dir", "/"] + v[1:]
        report.Bench.client_argv = argv
        b = report.Bench(a)
        # Every other run by name, so that the resolver's code (net/dns.c,
        # loaded on demand) is packed too; only when /etc/hosts names
        # localhost, which evdns then answers without asking any server.
        names = hosts_localhost()
        if not names:
            print("pty-hot: no 127.0.0.1 localhost in /etc/hosts: "
                  "address literals only")
        for i in range(runs):
            by_name[0] = names and i % 2 == 1
            for mode in ("up", "down"):
                r = b.run("sstpc", a.ours, mode, 20000, False, sample=True)
                if not r["connected"]:
                    sys.exit("pty-hot: the %s run never connected" % mode)


def hosts_localhost():
    """True when /etc/hosts maps localhost to 127.0.0.1."""
    try:
        with open("/etc/hosts") as f:
            for line in f:
                w = line.split("#", 1)[0].split()
                if len(w) > 1 and w[0] == "127.0.0.1" and "localhost" in w[1:]:
                    return True
    except OSError:
        pass
    return False


def executed(build):
    """Names of the functions with a non-zero count in build's src/."""
    names = set()
    for gcda in glob.glob(os.path.join(build, "src/**/*.gcda"),
                          recursive=True):
        out = subprocess.run(
            ["gcov", "--json-format", "--stdout", "-o",
             os.path.dirname(gcda), gcda], cwd=build, check=True,
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        for line in out.stdout.splitlines():
            if not line.strip():
                continue
            for f in json.loads(line)["files"]:
                for fn in f.get("functions", []):
                    if fn["execution_count"] > 0:
                        names.add(fn["name"])
    names.discard("main")       # .text.startup above
    # (as is libgcc's __cpu_indicator_init, a constructor behind
    # __builtin_cpu_supports: its helpers sit in its .text)
    return sorted(names)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", required=True,
                    help="a build configured with --coverage")
    ap.add_argument("--bench-build", default=None,
                    help="an ordinary build with bench/bench_pty and "
                    "bench/sstp_sink (default: --build)")
    ap.add_argument("--out", default=os.path.join(TOP, "src/sstpc/pty-hot.ld"))
    ap.add_argument("--no-run", action="store_true",
                    help="use the .gcda files already there")
    ap.add_argument("--runs", type=int, default=8,
                    help="memory runs each way, counts added up (8)")
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    if not a.no_run:
        run_bench(build, os.path.abspath(a.bench_build or a.build),
                  max(a.runs, 1))
    names = executed(build)
    if not names:
        sys.exit("pty-hot: no executed function found under %s" % build)
    with open(a.out, "w") as f:
        f.write(HEADER)
        for n in names:
            # The function and its clones (.part.N, .constprop.N, .isra.N).
            f.write("\t\t*(.text.%s .text.%s.*)\n" % (n, n))
        f.write(FOOTER)
    print("pty-hot: %d functions -> %s" % (len(names), a.out))


if __name__ == "__main__":
    main()
