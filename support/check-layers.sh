#!/usr/bin/env bash
# support/check-layers.sh - the layering of src/ (HACKING.md has the picture),
# checked two ways, so that a coupling cannot hide from one of them:
#
#   includes  every #include "..." / <...> of a .c/.h under src/ and include/
#             that names a project file; module = foo.c + foo.h of the same
#             stem (a lone .c or .h is its own module).  The module graph
#             must have no cycle.
#   symbols   with a build directory: `nm` on each object under BUILD/src
#             (automake's names: src/x/y.o, src/x/libsstpcore_a-y.o,
#             src/x/.libs/..._la-y.o); an edge A -> B when A's object has an
#             undefined (U) symbol that B's object defines (T D B R ...).
#             The object graph must have no cycle.  This catches what the
#             includes cannot: two .c files calling each other through a
#             shared header (no header of either includes the other).
#
# Both graphs must also follow the folder ranks (lower never uses higher):
#
#   0 util (and include/)  1 crypto  2 wire  3 sstp  4 ppp
#   5 net, sys, link       6 sstpc, sstpd
#
# A file may include / use its own folder or a lower rank.  Folders of the
# same rank (net, sys, link; sstpc, sstpd) may not use each other, except
# for the commented exceptions in the script's ALLOW list (none today); a
# cycle is never allowed.  A folder with no rank is an error (add it to
# RANKS).  "config.h" (generated) is not a project file.  Includes inside
# comments do not count; those under #if all do (the check is conservative).
#
# Usage: support/check-layers.sh [-v] [--report FILE] [--srcdir DIR]
#                                [--include-only] [BUILD_DIR]
#        support/check-layers.sh --selftest
#   BUILD_DIR       build directory for the symbol graph (default $BUILD);
#                   without one only the includes are checked (and it says so)
#   -v, --verbose   print each file's project includes and each object's
#                   uses (the report) before the summary
#   --report FILE   write that report to FILE
#   --srcdir DIR    the source tree (default: this script's ../)
#   --include-only  ignore BUILD_DIR / $BUILD
#   --selftest      run the checker on small synthetic trees (needs cc):
#                   cycles through includes and through symbols only,
#                   upward and same-rank uses, the allow-list, a clean tree
#   -h, --help      this text
# Environment: BUILD (build directory), NM (default nm), CC (default cc,
# --selftest only).
# Output: per-folder summary, then one "FAIL: ..." line per cycle or
# violation (details indented below it), then the verdict line.
# Exit: 0 clean, 1 cycles or layer violations (listed), 2 usage or tool error
# (no such directory, a build directory without objects, nm failed).
set -u
if ! command -v python3 >/dev/null 2>&1; then
	echo "check-layers: python3 is needed (Debian: apt-get install python3)" >&2
	exit 2
fi
CHECK_LAYERS_SELF=$(cd "$(dirname "$0")" && pwd)/$(basename "$0") \
	exec python3 - "$@" <<'PYTHON'
import os
import re
import subprocess
import sys
import tempfile
from fnmatch import fnmatch

SELF = os.environ.get("CHECK_LAYERS_SELF", "support/check-layers.sh")
PROG = "check-layers"

# Folder ranks: a file may use its own folder or a lower rank.
RANKS = {
    "util": 0, "include": 0,
    "crypto": 1,
    "wire": 2,
    "sstp": 3,
    "ppp": 4,
    "net": 5, "sys": 5, "link": 5,
    # session/: the SSTP side of a session between a stream and a link
    # (link/link.h); shared by the client and, next, the server.
    "session": 6,
    "sstpc": 7, "sstpd": 7,
}
# include/ is public headers of rank util: the same layer, not a peer.
SAME_LAYER = {"include": "util"}
CORE = ("util", "crypto", "wire", "sstp", "ppp")

# Same-rank uses that must exist (checked on main at e4a6515, includes and
# symbols): none.  net, sys and link do not use each other; what reaches
# across them goes through src/sstpc (session.c calls sys/monitor.c and
# sys/priv.c for the PPP side; link/pppd asks via session_signal_pppd()).
# An entry: (kind "include" | "symbol" | "any", from-module glob, to-module
# glob, reason).  Module names are as printed: "link/pppd/pppd_link.c",
# "sys/monitor.[ch]", "sstpc/sstpc.h".  Cycles are never allowed, and an
# upward use is not either: fix those.  An entry that matches nothing is
# reported as stale (a note, not a failure) so that the list only shrinks.
ALLOW = [
]

DEFINED = set("TDBRCGSVWi")	# nm types of a global definition

INC_RE = re.compile(r'^[ \t]*#[ \t]*include[ \t]*([<"])([^>"\n]+)[>"]',
                    re.M)


def strip_comments(text):
    """C text with comments blanked (newlines kept); strings kept."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == '/' and text.startswith('/*', i):
            j = text.find('*/', i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r'[^\n]', ' ', text[i:j]))
            i = j
        elif c == '/' and text.startswith('//', i):
            j = text.find('\n', i)
            j = n if j < 0 else j
            i = j
        elif c in '"\'':
            j = i + 1
            while j < n and text[j] != c and text[j] != '\n':
                j += 2 if text[j] == '\\' else 1
            out.append(text[i:j + 1])
            i = j + 1
        else:
            out.append(c)
            i += 1
    return ''.join(out)


class Tree:
    """The project files of a source tree and their modules."""

    def __init__(self, top):
        self.top = top
        self.files = []		# "src/x/y.c", "include/z.h"
        for root in ("src", "include"):
            base = os.path.join(top, root)
            for d, dirs, names in os.walk(base):
                dirs.sort()
                for nm in sorted(names):
                    if nm.endswith(('.c', '.h')):
                        self.files.append(os.path.relpath(
                            os.path.join(d, nm), top))
        self.files.sort()
        self.fileset = set(self.files)

    def module(self, path):
        """Module name of a project file, as printed."""
        stem, ext = path[:-2], path[-2:]
        pair = (stem + '.c') in self.fileset and (stem + '.h') in self.fileset
        name = stem + ('.[ch]' if pair else ext)
        return name[4:] if name.startswith('src/') else name

    def folder(self, path):
        """Layer folder of a project file ("link" for src/link/pppd/x.c)."""
        parts = path.split('/')
        if parts[0] == 'include':
            return 'include'
        return parts[1] if len(parts) > 2 else '(src top)'

    def resolve(self, path, kind, name):
        """The project file an include names, or None (system/generated)."""
        cands = []
        if kind == '"':
            cands.append(os.path.join(os.path.dirname(path), name))
        cands += [os.path.join('src', name), os.path.join('include', name)]
        for c in cands:
            c = os.path.normpath(c)
            if c in self.fileset:
                return c
        return None

    def shown(self, path):
        """An included file as the report prints it (relative to src/)."""
        return path[4:] if path.startswith('src/') else path


def rank_of(folder):
    return RANKS.get(folder)


def layer_problem(ffrom, fto):
    """Why folder ffrom may not use folder fto, or None.  Only a
    same-rank use ("same rank ...") can be taken by the allow-list."""
    if ffrom == fto:
        return None
    if SAME_LAYER.get(ffrom, ffrom) == SAME_LAYER.get(fto, fto):
        return None
    rf, rt = rank_of(ffrom), rank_of(fto)
    if rf is None or rt is None:
        return None	# reported once per folder
    if rt > rf:
        what = "core folder" if ffrom in CORE else "folder"
        return "upward: %s %s (rank %d) uses %s (rank %d)" % (
            what, ffrom, rf, fto, rt)
    if rt == rf:
        return "same rank %d: %s and %s may not use each other" % (
            rf, ffrom, fto)
    return None


def allowed(allow, kind, mfrom, mto, why, used):
    if not why.startswith('same rank'):
        return False	# an upward use is fixed, never allowed
    for i, (k, gf, gt, _why) in enumerate(allow):
        # "x/y.[ch]" is a module name, not a character class: equal first
        if k in (kind, 'any') and (mfrom == gf or fnmatch(mfrom, gf)) and \
           (mto == gt or fnmatch(mto, gt)):
            used.add(i)
            return True
    return False


def sccs(nodes, edges):
    """Strongly connected components with more than one node (Tarjan)."""
    index, low, onstack, stack, out = {}, {}, set(), [], []
    counter = [0]

    def visit(v):
        # iterative to stay clear of the recursion limit
        work = [(v, iter(sorted(edges.get(v, ()))))]
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        onstack.add(v)
        while work:
            u, it = work[-1]
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    onstack.add(w)
                    work.append((w, iter(sorted(edges.get(w, ())))))
                    break
                if w in onstack:
                    low[u] = min(low[u], index[w])
            else:
                work.pop()
                if work:
                    p = work[-1][0]
                    low[p] = min(low[p], low[u])
                if low[u] == index[u]:
                    comp = []
                    while True:
                        w = stack.pop()
                        onstack.discard(w)
                        comp.append(w)
                        if w == u:
                            break
                    if len(comp) > 1:
                        out.append(sorted(comp))
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return sorted(out)


def cycles_in(comp, edges, limit=20):
    """Elementary cycles inside one component, each from its least node."""
    order = {v: i for i, v in enumerate(comp)}
    found = []
    for s in comp:
        path = [s]

        def walk(u):
            for w in sorted(edges.get(u, ())):
                if len(found) >= limit:
                    return
                if w == s:
                    found.append(path + [s])
                elif w in order and order[w] > order[s] and w not in path:
                    path.append(w)
                    walk(w)
                    path.pop()
        walk(s)
    return found


def cycle_limit_note(out, what, comp, found, limit=20):
    if len(found) >= limit:
        out.notes.append('%s: only the first %d cycles among %s are listed'
                         % (what, limit, ' '.join(comp)))


def scan_includes(tree):
    """{file: [included project files]}, [unresolved notes]."""
    incs, notes = {}, []
    for f in tree.files:
        with open(os.path.join(tree.top, f), encoding='utf-8',
                  errors='replace') as fp:
            text = strip_comments(fp.read())
        got = []
        for m in INC_RE.finditer(text):
            kind, name = m.group(1), m.group(2).strip()
            r = tree.resolve(f, kind, name)
            if r is not None:
                if r != f and r not in got:
                    got.append(r)
            elif kind == '"' and name != 'config.h':
                notes.append('%s: "#include \\"%s\\"" names no file of src/ '
                             'or include/ (ignored)' % (f, name))
        incs[f] = got
    return incs, notes


def object_source(tree, build, obj):
    """The source file under src/ an object was compiled from, or None."""
    rel = os.path.relpath(obj, build)
    d = os.path.dirname(rel)
    if os.path.basename(d) == '.libs':
        d = os.path.dirname(d)
    name = os.path.basename(rel)[:-2]
    best = None
    prefix = d + '/'
    for f in tree.files:
        if not (f.startswith(prefix) and f.endswith('.c')) or \
           '/' in f[len(prefix):]:
            continue
        stem = os.path.basename(f)[:-2]
        if name == stem or name.endswith('-' + stem):
            if best is None or len(stem) > len(os.path.basename(best)):
                best = f
    return best


def scan_symbols(tree, build, nm):
    """Defined and undefined globals per source file, from BUILD/src/**.o."""
    defs, undefs, objs, notes = {}, {}, {}, []
    base = os.path.join(build, 'src')
    found = []
    for d, dirs, names in os.walk(base):
        dirs.sort()
        found += [os.path.join(d, n) for n in sorted(names)
                  if n.endswith('.o')]
    for obj in found:
        src = object_source(tree, build, obj)
        robj = os.path.relpath(obj, build)
        if src is None:
            notes.append('%s: no source under src/ (stale object?); '
                         'ignored' % robj)
            continue
        try:
            if os.path.getmtime(obj) < os.path.getmtime(
                    os.path.join(tree.top, src)):
                notes.append('%s is older than %s: run make first' %
                             (robj, src))
        except OSError:
            pass
        try:
            p = subprocess.run([nm, '-P', obj], capture_output=True,
                               text=True)
        except OSError as e:
            raise SystemExit('%s: cannot run %s: %s' % (PROG, nm, e))
        if p.returncode != 0:
            raise SystemExit('%s: %s %s failed: %s' % (
                PROG, nm, robj, p.stderr.strip()))
        objs.setdefault(src, []).append(robj)
        for line in p.stdout.splitlines():
            w = line.split()
            if len(w) < 2:
                continue
            sym, t = w[0], w[1]
            if t == 'U':
                undefs.setdefault(src, set()).add(sym)
            elif t in DEFINED:
                defs.setdefault(src, set()).add(sym)
    return defs, undefs, objs, notes, len(found)


class Out:
    """Collects the three parts of the output."""

    def __init__(self):
        self.report, self.summary, self.fails, self.notes = [], [], [], []

    def fail(self, head, details=()):
        self.fails.append(('FAIL: ' + head, list(details)))


def check(top, build, nm, allow, out):
    """Run every check; fill out; return the number of failures."""
    tree = Tree(top)
    if not tree.files:
        raise SystemExit('%s: no .c/.h files under %s/src or %s/include' %
                         (PROG, top, top))
    incs, notes = scan_includes(tree)
    out.notes += notes
    used_allow = set()

    # Folders without a rank
    for fo in sorted({tree.folder(f) for f in tree.files}):
        if rank_of(fo) is None:
            fs = [f for f in tree.files if tree.folder(f) == fo]
            out.fail('folder %s has no rank (add it to RANKS in '
                     'support/check-layers.sh, or move its files)' % fo,
                     ['    ' + ' '.join(fs)])

    # Report: each file's project includes
    out.report.append('== project includes per file (resolved, '
                      'relative to src/)')
    for f in tree.files:
        out.report.append('%s:%s' % (f, ''.join(' ' + tree.shown(i)
                                               for i in incs[f])))

    # Include graph of modules, and the rank rule per include
    medges = {}		# module -> {module: [(file, included)]}
    for f in tree.files:
        mf = tree.module(f)
        medges.setdefault(mf, {})
        for i in incs[f]:
            mi = tree.module(i)
            if mi != mf:
                medges[mf].setdefault(mi, []).append((f, i))
            why = layer_problem(tree.folder(f), tree.folder(i))
            if why and not allowed(allow, 'include', mf, mi, why,
                                       used_allow):
                out.fail('include %s -> %s (%s)' % (f, tree.shown(i), why))
    inc_cycles = 0
    for comp in sccs(medges.keys(), medges):
        found = cycles_in(comp, medges)
        cycle_limit_note(out, 'includes', comp, found)
        for cyc in found:
            inc_cycles += 1
            det = []
            for a, b in zip(cyc, cyc[1:]):
                det.append('    %s -> %s: %s' % (a, b, ', '.join(
                    '%s includes %s' % (f, tree.shown(i))
                    for f, i in medges[a][b])))
            out.fail('include cycle: ' + ' -> '.join(cyc), det)

    # Symbol graph of objects
    sym_cycles = 0
    suses = {}		# folder -> {folder: n}
    sedges = {}
    if build is not None:
        defs, undefs, objs, notes, nobj = scan_symbols(tree, build, nm)
        out.notes += notes
        if not objs:
            raise SystemExit('%s: no objects of src/ under %s/src (%d .o '
                             'files): build first, or give the right '
                             'directory' % (PROG, build, nobj))
        owner = {}
        for src in sorted(defs):
            for s in defs[src]:
                owner.setdefault(s, []).append(src)
        for s in sorted(owner):
            if len(owner[s]) > 1:
                out.notes.append('symbol %s is defined by %s' %
                                 (s, ' and '.join(owner[s])))
        for c in tree.files:
            if c.endswith('.c') and c not in objs:
                out.notes.append('%s: no object in %s (not built in this '
                                 'configuration): its uses are unchecked' %
                                 (c, build))
        out.report.append('')
        out.report.append('== symbols each object uses from other '
                          'project objects (nm, %s)' % build)
        for src in sorted(objs):
            ms = tree.module(src)
            sedges.setdefault(ms, {})
            uses = {}
            for s in sorted(undefs.get(src, ())):
                for d in owner.get(s, ()):
                    if d != src:
                        uses.setdefault(d, []).append(s)
            out.report.append('%s (%s):' % (src, ' '.join(sorted(objs[src]))))
            if not uses:
                out.report.append('    (none)')
            for d in sorted(uses):
                md = tree.module(d)
                out.report.append('    %s: %s' % (md, ' '.join(uses[d])))
                sedges[ms].setdefault(md, []).extend(uses[d])
                fa, fb = tree.folder(src), tree.folder(d)
                if fa != fb:
                    suses.setdefault(fa, {}).setdefault(fb, 0)
                    suses[fa][fb] += 1
                why = layer_problem(fa, fb)
                if why and not allowed(allow, 'symbol', ms, md, why,
                                           used_allow):
                    out.fail('symbol use %s -> %s (%s)' % (src, d, why),
                             ['    ' + ' '.join(uses[d])])
        for comp in sccs(sedges.keys(), sedges):
            found = cycles_in(comp, sedges)
            cycle_limit_note(out, 'symbols', comp, found)
            for cyc in found:
                sym_cycles += 1
                det = ['    %s -> %s: %s' % (a, b, ' '.join(sedges[a][b]))
                       for a, b in zip(cyc, cyc[1:])]
                out.fail('symbol cycle: ' + ' -> '.join(cyc), det)

    for i, ent in enumerate(allow):
        if i not in used_allow:
            out.notes.append('allow-list entry %r matches nothing today: '
                             'remove it' % (ent[:3],))

    # Summary per folder
    incf = {}
    for f in tree.files:
        for i in incs[f]:
            a, b = tree.folder(f), tree.folder(i)
            if a != b:
                incf.setdefault(a, {}).setdefault(b, 0)
                incf[a][b] += 1
    folders = sorted({tree.folder(f) for f in tree.files},
                     key=lambda x: (rank_of(x) if rank_of(x) is not None
                                    else 99, x))

    def fmt(fo, m):
        if not m:
            return '-'
        return ' '.join('%s%s(%d)' % (t, '!' if layer_problem(fo, t) else '',
                                      m[t])
                        for t in sorted(m, key=lambda x: (
                            rank_of(x) if rank_of(x) is not None else 99, x)))
    out.summary.append('== folders: rank, files, the other folders used '
                       '(include lines / object pairs; ! = against the '
                       'ranks)')
    for fo in folders:
        n = sum(1 for f in tree.files if tree.folder(f) == fo)
        r = rank_of(fo)
        out.summary.append('  %-2s %-8s %3d files  includes: %s' % (
            '?' if r is None else r, fo, n, fmt(fo, incf.get(fo, {}))))
        if build is not None:
            out.summary.append('  %-2s %-8s %9s  uses:     %s' % (
                '', '', '', fmt(fo, suses.get(fo, {}))))
    nmods = len(medges)
    nme = sum(len(v) for v in medges.values())
    out.summary.append('== include graph: %d files, %d modules, %d edges, '
                       '%d cycle(s)' % (len(tree.files), nmods, nme,
                                        inc_cycles))
    if build is None:
        out.summary.append('== symbol graph: not checked (no build '
                           'directory: give BUILD_DIR or set BUILD); '
                           'includes only')
    else:
        out.summary.append('== symbol graph: %d objects, %d edges, %d '
                           'cycle(s) (%s)' % (
                               len(sedges),
                               sum(len(v) for v in sedges.values()),
                               sym_cycles, build))
    return len(out.fails)


def emit(out, verbose, stream):
    if verbose:
        for line in out.report:
            print(line, file=stream)
        print('', file=stream)
    for line in out.summary:
        print(line, file=stream)
    for n in out.notes:
        print('note: ' + n, file=stream)
    for head, det in out.fails:
        print(head, file=stream)
        for d in det:
            print(d, file=stream)


def run(top, build, nm, allow, verbose, report, stream):
    out = Out()
    nfail = check(top, build, nm, allow, out)
    if report:
        with open(report, 'w') as fp:
            fp.write('\n'.join(out.report) + '\n')
    emit(out, verbose, stream)
    if nfail:
        print('layers: FAILED, %d problem(s) listed above' % nfail,
              file=stream)
        return 1
    print('layers: clean (%s)' % ('includes and symbols' if build else
                                  'includes only'), file=stream)
    return 0


# --- self-test -----------------------------------------------------------

def write(top, files):
    for p, text in files.items():
        path = os.path.join(top, p)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, 'w') as fp:
            fp.write(text)


def compile_tree(top, objname=None):
    """cc -c every src/**.c into top/build/src/... (automake's layout)."""
    cc = os.environ.get('CC', 'cc')
    objname = objname or {}
    for d, _dirs, names in os.walk(os.path.join(top, 'src')):
        for n in names:
            if not n.endswith('.c'):
                continue
            src = os.path.relpath(os.path.join(d, n), top)
            obj = os.path.join(top, 'build', objname.get(src, src[:-2] + '.o'))
            os.makedirs(os.path.dirname(obj), exist_ok=True)
            cmd = [cc, '-c', '-I', os.path.join(top, 'src'), '-I',
                   os.path.join(top, 'include'), '-I',
                   os.path.join(top, 'build'), '-o', obj,
                   os.path.join(top, src)]
            try:
                p = subprocess.run(cmd, capture_output=True, text=True)
            except OSError as e:
                raise SystemExit('%s --selftest: needs a C compiler (%s): %s'
                                 % (PROG, cc, e))
            if p.returncode != 0:
                raise SystemExit('%s --selftest: %s failed:\n%s' % (
                    PROG, ' '.join(cmd), p.stderr))
    return os.path.join(top, 'build')


def selftest(nm):
    """Synthetic trees with known problems; each must be found, exactly."""
    results = []

    def expect(name, top, build, allow, want_rc, want, unwanted=()):
        import io
        buf = io.StringIO()
        rc = run(top, build, nm, allow, True, None, buf)
        text = buf.getvalue()
        bad = []
        if rc != want_rc:
            bad.append('exit %d, want %d' % (rc, want_rc))
        bad += ['missing: %s' % w for w in want if w not in text]
        bad += ['unexpected: %s' % u for u in unwanted if u in text]
        results.append((name, bad, text))

    hdr = '#ifndef G_%s\n#define G_%s\n%s\n#endif\n'
    with tempfile.TemporaryDirectory(prefix='check-layers.') as tmp:
        # 1. a -> b -> c -> a through includes and calls, all in util/;
        #    c.c is compiled under automake's per-target names (one plain,
        #    one libtool .libs copy) to check the object -> source mapping.
        t1 = os.path.join(tmp, 'cycle')
        write(t1, {
            'src/util/a.h': hdr % ('A', 'A', 'int a_fn(void);'),
            'src/util/b.h': hdr % ('B', 'B', 'int b_fn(void);'),
            'src/util/c.h': hdr % ('C', 'C', 'int c_fn(void);'),
            'src/util/a.c': '#include "util/a.h"\n#include "util/b.h"\n'
                            'int a_fn(void) { return b_fn(); }\n',
            'src/util/b.c': '#include "b.h"\n#include "util/c.h"\n'
                            'int b_fn(void) { return c_fn(); }\n',
            'src/util/c.c': '#include "util/c.h"\n#include <util/a.h>\n'
                            'int c_fn(void) { return a_fn() + 1; }\n',
        })
        b1 = compile_tree(t1, {'src/util/c.c': 'src/util/libx_a-c.o'})
        os.makedirs(os.path.join(b1, 'src/util/.libs'))
        subprocess.run(['cp', os.path.join(b1, 'src/util/libx_a-c.o'),
                        os.path.join(b1, 'src/util/.libs/liby_la-c.o')],
                       check=True)
        cyc = 'util/a.[ch] -> util/b.[ch] -> util/c.[ch] -> util/a.[ch]'
        expect('include and symbol cycle of three', t1, b1, [], 1, [
            'FAIL: include cycle: ' + cyc,
            'util/b.[ch] -> util/c.[ch]: src/util/b.c includes util/c.h',
            'FAIL: symbol cycle: ' + cyc,
            '    util/a.[ch] -> util/b.[ch]: b_fn',
            '    util/c.[ch] -> util/a.[ch]: a_fn',
            'src/util/c.c (src/util/.libs/liby_la-c.o src/util/libx_a-c.o):',
        ], ['no source under src/'])
        expect('the same, includes only', t1, None, [], 1, [
            'FAIL: include cycle: ' + cyc,
            'symbol graph: not checked (no build directory'],
            ['FAIL: symbol cycle'])

        # 2. the session/pppd_link shape: two .c files call each other
        #    through a shared header; no include cycle, a symbol cycle,
        #    and the link's call up into sstpc.
        t2 = os.path.join(tmp, 'shared')
        write(t2, {
            'src/util/shared.h': hdr % ('S', 'S',
                                        'int s_fn(int);\nint l_fn(int);'),
            'src/sstpc/s.c': '#include "util/shared.h"\n'
                             'int s_fn(int x) { return l_fn(x); }\n',
            'src/link/l.c': '#include "util/shared.h"\n'
                            '/* an include in a comment is none:\n'
                            '#include "sstpc/s.h"\n */\n'
                            'int l_fn(int x) { return s_fn(x); }\n',
        })
        b2 = compile_tree(t2)
        expect('symbol cycle through a shared header', t2, b2, [], 1, [
            '== include graph: 3 files, 3 modules, 2 edges, 0 cycle(s)',
            'FAIL: symbol cycle: link/l.c -> sstpc/s.c -> link/l.c',
            '    link/l.c -> sstpc/s.c: s_fn',
            '    sstpc/s.c -> link/l.c: l_fn',
            'FAIL: symbol use src/link/l.c -> src/sstpc/s.c (upward: folder '
            'link (rank 5) uses sstpc (rank 7))',
        ], ['FAIL: include', 'names no file'])
        expect('the same, includes only: clean', t2, None, [], 0, [
            'layers: clean (includes only)'])

        # 3. a clean layered tree, and the same with rule breaks
        t3 = os.path.join(tmp, 'layered')
        clean = {
            'include/pub.h': hdr % ('P', 'P', '#define PUB 1'),
            'src/util/u.h': hdr % ('U', 'U', 'int u_fn(void);'),
            'src/util/u.c': '#include "util/u.h"\n#include "pub.h"\n'
                            'int u_fn(void) { return PUB; }\n',
            'src/net/n.h': hdr % ('N', 'N', 'int n_fn(void);'),
            'src/net/n.c': '#include "util/u.h"\n#include "net/n.h"\n'
                           'int n_fn(void) { return u_fn(); }\n',
            'src/sys/y.h': hdr % ('Y', 'Y', 'int y_fn(void);'),
            'src/sys/y.c': '#include "config.h"\n#include "sys/y.h"\n'
                           'int y_fn(void) { return 2; }\n',
            'src/sstpc/m.c': '#include "net/n.h"\n#include "sys/y.h"\n'
                             'int main(void) { return n_fn() + y_fn(); }\n',
        }
        write(t3, clean)
        write(t3, {'build/config.h': ''})	# generated: not a project file
        b3 = compile_tree(t3)
        expect('a clean layered tree', t3, b3, [], 0, [
            'layers: clean (includes and symbols)',
            'src/sstpc/m.c: net/n.h sys/y.h',
            'src/util/u.c: util/u.h include/pub.h'], ['FAIL', 'note:'])
        write(t3, {
            'src/ppp/p.c': '#include "sstpc/m.h"\nint p_fn(void) '
                           '{ return 0; }\n',
            'src/sstpc/m.h': hdr % ('M', 'M', ''),
            'src/net/n.c': '#include "util/u.h"\n#include "net/n.h"\n'
                           '#include "sys/y.h"\n'
                           'int n_fn(void) { return u_fn() + y_fn(); }\n',
            'src/weird/w.c': 'int w_fn(void) { return 0; }\n',
        })
        b3 = compile_tree(t3)
        breaks = [
            'FAIL: include src/ppp/p.c -> sstpc/m.h (upward: core folder '
            'ppp (rank 4) uses sstpc (rank 7))',
            'FAIL: include src/net/n.c -> sys/y.h (same rank 5: net and '
            'sys may not use each other)',
            'FAIL: symbol use src/net/n.c -> src/sys/y.c (same rank 5: net '
            'and sys may not use each other)',
            'FAIL: folder weird has no rank',
        ]
        expect('upward, same-rank and unranked', t3, b3, [], 1, breaks,
             ['cycle:'])
        allow = [('any', 'net/n.[ch]', 'sys/y.[ch]', 'test'),
                 ('include', 'sys/*', 'net/*', 'never used'),
                 ('any', 'ppp/*', 'sstpc/*', 'upward: not taken')]
        expect('the allow-list takes the same-rank use only', t3, b3, allow,
               1, breaks[:1] + breaks[3:] + [
                   "allow-list entry ('include', 'sys/*', 'net/*') matches "
                   "nothing today",
                   "allow-list entry ('any', 'ppp/*', 'sstpc/*') matches "
                   "nothing today"], breaks[1:3])

        # 4. the command line: exit status and --report of case 1
        rep = os.path.join(tmp, 'report.txt')
        p = subprocess.run(['bash', SELF, '--srcdir', t1, '--report', rep,
                            b1], capture_output=True, text=True)
        bad = [] if p.returncode == 1 else ['exit %d, want 1' %
                                            p.returncode]
        try:
            with open(rep) as fp:
                if 'src/util/a.c: util/a.h util/b.h' not in fp.read():
                    bad.append('report lacks the line of src/util/a.c')
        except OSError as e:
            bad.append('no report: %s' % e)
        results.append(('command line: exit 1 and --report', bad,
                        p.stdout + p.stderr))

    nbad = 0
    for name, bad, text in results:
        if bad:
            nbad += 1
            print('FAIL: selftest: %s: %s' % (name, '; '.join(bad)))
            print('  --- its output:')
            for line in text.splitlines():
                print('  | ' + line)
        else:
            print('PASS: selftest: %s' % name)
    print('selftest: %d passed, %d failed' % (len(results) - nbad, nbad))
    return 1 if nbad else 0


def usage():
    with open(SELF) as fp:
        for line in fp.read().splitlines()[1:]:
            if not line.startswith('#'):
                break
            print(line[2:])


def main(argv):
    top = os.path.dirname(os.path.dirname(SELF))
    build = os.environ.get('BUILD') or None
    nm = os.environ.get('NM', 'nm')
    verbose, report, inc_only, do_self, pos = False, None, False, False, []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ('-h', '--help'):
            usage()
            return 0
        if a in ('-v', '--verbose'):
            verbose = True
        elif a == '--include-only':
            inc_only = True
        elif a == '--selftest':
            do_self = True
        elif a in ('--report', '--srcdir'):
            if i + 1 >= len(argv):
                print('%s: %s needs an argument' % (PROG, a),
                      file=sys.stderr)
                return 2
            i += 1
            if a == '--report':
                report = argv[i]
            else:
                top = argv[i]
        elif a.startswith('-'):
            print('%s: unknown option %s (see --help)' % (PROG, a),
                  file=sys.stderr)
            return 2
        else:
            pos.append(a)
        i += 1
    if do_self:
        return selftest(nm)
    if len(pos) > 1:
        print('%s: one build directory at most (see --help)' % PROG,
              file=sys.stderr)
        return 2
    if pos:
        build = pos[0]
    if inc_only:
        build = None
    if not os.path.isdir(os.path.join(top, 'src')):
        print('%s: %s has no src/ directory' % (PROG, top), file=sys.stderr)
        return 2
    if build is not None and not os.path.isdir(build):
        print('%s: build directory %s does not exist' % (PROG, build),
              file=sys.stderr)
        return 2
    top = os.path.abspath(top)
    return run(top, build, nm, ALLOW, verbose, report, sys.stdout)


if __name__ == '__main__':
    try:
        sys.exit(main(sys.argv[1:]))
    except SystemExit as e:
        if isinstance(e.code, str):
            print(e.code, file=sys.stderr)
            sys.exit(2)
        raise
PYTHON
