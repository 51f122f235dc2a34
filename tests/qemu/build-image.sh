#!/usr/bin/env bash
# tests/qemu/build-image.sh - kernel and base initramfs for integration tier 4.
#
# Fetches Debian's own kernel (linux-image-*-amd64, the one linux-image-amd64
# depends on) and busybox-static with `apt-get download`, unpacks only what is
# needed with dpkg-deb (nothing is installed), and builds into the cache:
#
#   $CACHE/debs/*.deb                      downloaded packages
#   $CACHE/kernel-$KVER/vmlinux            uncompressed kernel (ELF, PVH boot:
#                                          ~2.5 s under TCG against ~5.6 s for
#                                          the bzImage, measured)
#   $CACHE/kernel-$KVER/modules/*.ko       ppp + virtio-serial modules
#   $CACHE/kernel-$KVER/modules.order      insmod order (dependencies first)
#   $CACHE/base-$KEY.cpio                  busybox, the modules, Debian's pppd
#                                          and socat with their shared libraries
#
# $KEY hashes the kernel version, the busybox package, the pppd and socat
# binaries and this script, so a change of any of them rebuilds the archive.
# On success it prints shell assignments (QEMU_KVER, QEMU_KERNEL,
# QEMU_BASE_CPIO, QEMU_BUSYBOX, QEMU_PPPD_VERSION) on stdout.  Exit 77: a
# prerequisite is missing (message on stderr); exit 1: a build step failed.
set -u
set -o pipefail

CACHE=${SSTPC_TEST_CACHE:-/var/cache/sstpc-tests}
PY=${PYTHON:-python3}
PPPD_BIN=${PPPD_BIN:-/usr/sbin/pppd}
SOCAT_BIN=${SOCAT_BIN:-/usr/bin/socat}

die() { echo "build-image: $*" >&2; exit 1; }
missing() { echo "build-image: missing prerequisite: $*" >&2; exit 77; }
note() { echo "build-image: $*" >&2; }

for t in dpkg-deb xz sha256sum "$PY"; do
	command -v "$t" >/dev/null 2>&1 || missing "$t"
done
[ -x "$PPPD_BIN" ] || missing "$PPPD_BIN (apt-get install ppp)"
[ -x "$SOCAT_BIN" ] || missing "$SOCAT_BIN (apt-get install socat)"
mkdir -p "$CACHE/debs" 2>/dev/null && [ -w "$CACHE/debs" ] ||
    missing "a writable cache directory $CACHE (set SSTPC_TEST_CACHE)"

# fetch_deb PKG: path of PKG's .deb in the cache, downloading it if needed.
# A cached .deb of the package is used when apt cannot download.
fetch_deb() {
	local pkg=$1 ver f
	ver=$(apt-cache policy "$pkg" 2>/dev/null |
	    sed -n 's/^ *Candidate: *//p')
	if [ -n "$ver" ] && [ "$ver" != "(none)" ]; then
		# apt-get download names files with the epoch colon as %3a
		f=$(ls "$CACHE/debs/${pkg}_${ver/:/%3a}_"*.deb 2>/dev/null | head -1)
		if [ -z "$f" ]; then
			(cd "$CACHE/debs" && apt-get download -q "$pkg" >&2) ||
			    note "apt-get download $pkg failed"
			f=$(ls "$CACHE/debs/${pkg}_${ver/:/%3a}_"*.deb \
			    2>/dev/null | head -1)
		fi
	fi
	[ -n "${f:-}" ] || f=$(ls -t "$CACHE/debs/${pkg}_"*.deb 2>/dev/null |
	    head -1)
	[ -n "$f" ] && echo "$f"
}

# Resolving the packages asks apt (~2 s); a resolution younger than a day is
# reused when its packages are in the cache (SSTPC_TEST_REFRESH=1 forces).
RESOLVED="$CACHE/resolved.env"
KDEB='' BBDEB=''
if [ "${SSTPC_TEST_REFRESH:-0}" != 1 ] && [ -z "${QEMU_KERNEL_PKG:-}" ] &&
    [ -n "$(find "$RESOLVED" -mmin -1440 2>/dev/null)" ]; then
	KDEB=$(sed -n 's/^KDEB=//p' "$RESOLVED")
	BBDEB=$(sed -n 's/^BBDEB=//p' "$RESOLVED")
	[ -f "$KDEB" ] && [ -f "$BBDEB" ] || KDEB='' BBDEB=''
fi

# --- kernel ------------------------------------------------------------------
KPKG=${QEMU_KERNEL_PKG:-}
[ -n "$KDEB" ] && KPKG=$(basename "$KDEB" | cut -d_ -f1)
if [ -z "$KPKG" ]; then
	KPKG=$(apt-cache depends linux-image-amd64 2>/dev/null |
	    sed -n 's/^ *Depends: *\(linux-image-[0-9].*-amd64\)$/\1/p' |
	    head -1)
fi
if [ -z "$KPKG" ]; then
	# no apt lists (apt-get update not run): newest cached kernel
	f=$(ls -t "$CACHE"/debs/linux-image-[0-9]*-amd64_*.deb 2>/dev/null |
	    head -1)
	[ -n "$f" ] || missing "linux-image-amd64 unknown to apt (run apt-get update) and no cached kernel"
	KPKG=$(basename "$f" | cut -d_ -f1)
fi
[ -n "$KDEB" ] || KDEB=$(fetch_deb "$KPKG") || missing "kernel package $KPKG (apt-get download failed)"
KVER=${KPKG#linux-image-}
KDIR="$CACHE/kernel-$KVER"
MODS="virtio_pci virtio_console ppp_async ppp_mppe"

if [ ! -s "$KDIR/vmlinux" ] || [ ! -s "$KDIR/modules.order" ]; then
	note "unpacking $(basename "$KDEB")"
	tmp=$(mktemp -d "$CACHE/kx.XXXXXX") || die "mktemp"
	dpkg-deb --fsys-tarfile "$KDEB" | tar -x -C "$tmp" --wildcards \
	    "./boot/vmlinuz-$KVER" \
	    "./lib/modules/$KVER/kernel/drivers/net/ppp/*" \
	    "./lib/modules/$KVER/kernel/drivers/net/slip/*" \
	    "./lib/modules/$KVER/kernel/drivers/virtio/*" \
	    "./lib/modules/$KVER/kernel/drivers/char/virtio_console.ko" \
	    "./lib/modules/$KVER/kernel/lib/crypto/*" ||
	    { rm -rf "$tmp"; die "cannot unpack $KDEB"; }
	rm -rf "$KDIR.new.$$" && mkdir -p "$KDIR.new.$$/modules" || die "mkdir"
	# vmlinux: the ELF kernel inside the bzImage (extract-vmlinux's way:
	# find the compressor's magic and decompress from there)
	"$PY" - "$tmp/boot/vmlinuz-$KVER" "$KDIR.new.$$/vmlinux" <<'EOF' ||
import lzma, sys
data = open(sys.argv[1], "rb").read()
for magic, fmt in ((b"\xfd7zXZ\x00", lzma.FORMAT_XZ),):
    i = data.find(magic)
    while i >= 0:
        try:
            d = lzma.LZMADecompressor(format=fmt)
            out = d.decompress(data[i:])
        except lzma.LZMAError:
            out = b""
        if out[:4] == b"\x7fELF":
            open(sys.argv[2], "wb").write(out)
            sys.exit(0)
        i = data.find(magic, i + 1)
sys.exit("no xz-compressed ELF kernel found in " + sys.argv[1])
EOF
	    { rm -rf "$tmp"; die "cannot extract vmlinux"; }
	# insmod order from each module's .modinfo "depends=" (no depmod data
	# in the package, and no kmod needed on the host)
	"$PY" - "$tmp/lib/modules/$KVER/kernel" "$KDIR.new.$$" $MODS <<'EOF' ||
import os, shutil, sys
root, out, wanted = sys.argv[1], sys.argv[2], sys.argv[3:]
path = {}
for d, _, files in os.walk(root):
    for f in files:
        if f.endswith(".ko"):
            path[f[:-3].replace("-", "_")] = os.path.join(d, f)
def deps(m):
    data = open(path[m], "rb").read()
    for field in data.split(b"\0"):
        if field.startswith(b"depends="):
            v = field[8:].decode()
            return [x.replace("-", "_") for x in v.split(",") if x]
    return []
order, seen = [], set()
def visit(m):
    if m in seen:
        return
    seen.add(m)
    if m not in path:
        sys.exit("module %s not in the kernel package" % m)
    for x in deps(m):
        visit(x)
    order.append(m)
for m in wanted:
    visit(m)
for m in order:
    shutil.copy(path[m], os.path.join(out, "modules", m + ".ko"))
open(os.path.join(out, "modules.order"), "w").write("\n".join(order) + "\n")
EOF
	    { rm -rf "$tmp"; die "cannot collect the kernel modules"; }
	rm -rf "$tmp"
	# a concurrent run may have finished first: keep its copy
	if [ -s "$KDIR/vmlinux" ] && [ -s "$KDIR/modules.order" ]; then
		rm -rf "$KDIR.new.$$"
	else
		rm -rf "$KDIR"
		mv "$KDIR.new.$$" "$KDIR" || die "mv $KDIR"
	fi
fi

# --- busybox -----------------------------------------------------------------
[ -n "$BBDEB" ] || BBDEB=$(fetch_deb busybox-static) ||
    missing "busybox-static (apt-get download failed)"
printf 'KDEB=%s\nBBDEB=%s\n' "$KDEB" "$BBDEB" >"$RESOLVED.new.$$" &&
    mv "$RESOLVED.new.$$" "$RESOLVED"
BBKEY=$(basename "$BBDEB" .deb)
BB="$CACHE/$BBKEY/busybox"
if [ ! -x "$BB" ]; then
	mkdir -p "$CACHE/$BBKEY" || die "mkdir"
	dpkg-deb --fsys-tarfile "$BBDEB" | tar -x -O ./bin/busybox >"$BB.new.$$" &&
	    chmod 755 "$BB.new.$$" && mv "$BB.new.$$" "$BB" ||
	    die "cannot unpack busybox from $BBDEB"
fi

# --- base initramfs ------------------------------------------------------------
KEY=$( {
	echo "$KVER $BBKEY"
	sha256sum "$PPPD_BIN" "$SOCAT_BIN" "$KDIR/modules.order"
	cat "${BASH_SOURCE[0]}"
} | sha256sum | cut -c1-16)
BASE="$CACHE/base-$KEY.cpio"
PPPD_VERSION=$("$PPPD_BIN" --version 2>&1 | sed -n 's/^pppd version //p')

# copy_bin ROOT FILE...: FILE at the same path under ROOT, with the shared
# libraries ldd names (and the dynamic loader)
copy_bin() {
	local root=$1 f l
	shift
	for f in "$@"; do
		mkdir -p "$root$(dirname "$f")" && cp -L "$f" "$root$f" || return 1
		for l in $(ldd "$f" 2>/dev/null |
		    awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
			[ -e "$root$l" ] && continue
			mkdir -p "$root$(dirname "$l")" && cp -L "$l" "$root$l" ||
			    return 1
		done
	done
}

if [ ! -s "$BASE" ]; then
	note "building $(basename "$BASE") (kernel $KVER, pppd $PPPD_VERSION)"
	tmp=$(mktemp -d "$CACHE/bx.XXXXXX") || die "mktemp"
	r="$tmp/root"
	mkdir -p "$r"/{bin,sbin,usr/bin,usr/sbin,etc/ppp,dev,proc,sys,run,tmp,var/lock,lib/modules,root} ||
	    die "mkdir"
	ln -s ../run "$r/var/run"
	cp "$BB" "$r/bin/busybox" || die "cp busybox"
	for a in $("$BB" --list); do
		[ "$a" = busybox ] || ln -s busybox "$r/bin/$a"
	done
	cp "$KDIR"/modules/*.ko "$KDIR/modules.order" "$r/lib/modules/" ||
	    die "cp modules"
	copy_bin "$r" "$PPPD_BIN" "$SOCAT_BIN" || die "copying pppd/socat"
	mkdir -p "$r/usr/lib/pppd/$PPPD_VERSION"
	: >"$r/etc/ppp/options"
	(cd "$r" && find . | LC_ALL=C sort |
	    "$BB" cpio -o -H newc -R 0:0 >"$BASE.new.$$" 2>/dev/null) &&
	    mv "$BASE.new.$$" "$BASE" || { rm -rf "$tmp"; die "cpio"; }
	rm -rf "$tmp"
	# archives of other keys are stale
	find "$CACHE" -maxdepth 1 -name 'base-*.cpio' ! -name "$(basename "$BASE")" \
	    -delete 2>/dev/null
fi

printf 'QEMU_KVER=%q\nQEMU_KERNEL=%q\nQEMU_BASE_CPIO=%q\nQEMU_BUSYBOX=%q\nQEMU_PPPD_VERSION=%q\n' \
    "$KVER" "$KDIR/vmlinux" "$BASE" "$BB" "$PPPD_VERSION"
