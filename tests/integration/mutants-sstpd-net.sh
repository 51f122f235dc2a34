#!/usr/bin/env bash
# tests/integration/mutants-sstpd-net.sh - shows that tier-sstpd-net.sh
# fails when sstpd is broken: for each mutant below, one line of sstpd's
# source is changed, sstpd is built into BUILD_MUT (configured from this
# tree), the file is restored at once (git checkout), and the tier runs
# against that sstpd (SSTPD=...; sstpc stays the good one).  A mutant is
# "killed" when the tier fails with the case named beside it.  Not part of
# CI (a rebuild per mutant); run it by hand (it builds every mutant, then
# takes the integration lock once for all the tier runs):
#   SSTPC=$PWD/build/sstpc tests/integration/mutants-sstpd-net.sh [NAME...]
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
mut=${BUILD_MUT:-$top/build-mut}
out=$mut/mutants
mkdir -p "$out"
[ -f "$mut/Makefile" ] || (cd "$mut" && "$top/configure" >/dev/null) || exit 1

# NAME@FILE@PERL-SUBSTITUTION@EXPECTED-FAILING-CASE
M=(
"early@src/sstp/sstp_ctrl.c@s/(case SSTP_SS_CONNECTED_PENDING:\n\t\treturn) ppp_control;/\$1 true;/@IP data before Call Connected"
"nonce@src/sstp/sstp_ctrl.c@s/if \(!crypto_memeq\(nonce, c->nonce, sizeof nonce\)\)/if (0)/@corrupt nonce"
"cert@src/sstp/sstp_ctrl.c@s/if \(!crypto_memeq\(cert, ours, dlen\)\)/if (0)/@corrupt cert"
"cmac@src/sstp/sstp_ctrl.c@s/(r = sstp_bind_verify\(c->connected, c->nonce, cert, c->hash, c->hlak\);)/\$1 if (r == -EBADMSG) r = 0;/@corrupt cmac"
"hash@src/sstp/sstp_ctrl.c@s/if \(ours == NULL \|\| \(bm & c->offered_hash\) == 0\)/if (ours == NULL)/@SHA-1 refused"
"sha1-offer@src/sstpd/srv_session.c@s/\(c->allow_sha1 && s->have_sha1 \? SSTP_HASH_SHA1 : 0\)/0/@SHA-1 binding with --allow-sha1"
"pool@src/sstpd/pool.c@s/(p4_set\(struct pool4 \*p, uint32_t i\)\n\{\n)\tp->bits\[i \/ 64\] \|= \(uint64_t\)1 << \(i % 64\);/\$1\t(void)p; (void)i;/@distinct addresses"
"spoof4@src/link/tunsrv/tunsrv.c@s/memcmp\(ip->src, t->e4.addr, 4\) == 0/memcmp(ip->src, t->e4.addr, 4) != 0/@ping 192.0.2.1"
"spoof6@src/link/tunsrv/tunsrv.c@s/return t->e6.on && \(/return 0 \&\& (/@IPv6"
"disconnect@src/sstpd/server.c@s/srv_session_disconnect\(s, \"disconnected by the \"\n\t\t\t    \"operator\"\);//@--disconnect"
"password@src/ppp/ppp_authsrv.c@s/eq = crypto_memeq\(want, m->nt, sizeof want\) &/eq = 1 \&/@wrong password"
"bytes@src/sstpd/srv_session.c@s/\(unsigned long long\)s->bytes_in, \(unsigned long long\)s->bytes_out,/0ULL, 0ULL,/@end line counts"
"pap@src/ppp/ppp_authsrv.c@s/eq &= \(unsigned\)\(sec.len == pl\);/eq &= 0u;/@PAP"
"eap@src/ppp/ppp_authsrv.c@s/\t\t\[SE_EAP_MS_RESP\] = eap_ms_response,\n//@EAP-MSCHAPv2"
"callback@src/ppp/ppp_lcp.c@s/(\t\tcase LCP_OPT_ACCM:)/\t\tcase 13:\n\$1/@--windows"
"list@src/sstpd/srv_session.c@s/snprintf\(o->user, sizeof o->user, \"%s\", s->user\);/snprintf(o->user, sizeof o->user, \"-\");/@--list"
)
killed=0
survived=0
names=()
# Phase 1: build every mutant (no lock needed).
for m in "${M[@]}"; do
	IFS='@' read -r name file subst want <<<"$m"
	if [ $# -gt 0 ] && ! printf '%s\n' "$@" | grep -qx "$name"; then
		continue
	fi
	cp "$top/$file" "$out/orig"
	perl -0pi -e "$subst" "$top/$file"
	if cmp -s "$top/$file" "$out/orig"; then
		echo "mutant $name: the substitution did not apply"
		survived=$((survived + 1))
		continue
	fi
	make -C "$mut" -j2 sstpd >"$out/$name.make" 2>&1
	rc=$?
	cp "$out/orig" "$top/$file"
	touch "$top/$file"
	if [ $rc != 0 ]; then
		echo "mutant $name: does not build (see $out/$name.make)"
		survived=$((survived + 1))
		continue
	fi
	cp "$mut/sstpd" "$out/sstpd-$name"
	names+=("$name@$want")
done
# Phase 2: the tier against each, under one hold of the integration lock.
run_all() {
	local nw name want
	for nw in "${names[@]}"; do
		name=${nw%%@*}
		want=${nw#*@}
		SSTPD="$out/sstpd-$name" bash "$here/tier-sstpd-net.sh" \
			>"$out/$name.log" 2>&1
		if grep '^FAIL' "$out/$name.log" | grep -qF -- "$want"; then
			echo "mutant $name: killed ($(tail -1 "$out/$name.log" | sed 's/^ *//'); $(grep -c '^FAIL' "$out/$name.log") FAIL, wanted '$want')"
		else
			echo "mutant $name: SURVIVED ($(grep '^tier-sstpd-net:' "$out/$name.log"))"
		fi
	done
}
export -f run_all
if [ ${#names[@]} -gt 0 ]; then
	names_s=$(printf '%s\n' "${names[@]}")
	res=$(flock /tmp/sstpc-integration.lock env out="$out" here="$here" \
		NAMES="$names_s" bash -c 'mapfile -t names <<<"$NAMES"; run_all')
	printf '%s\n' "$res"
	killed=$((killed + $(printf '%s\n' "$res" | grep -c ': killed')))
	survived=$((survived + $(printf '%s\n' "$res" | grep -c ': SURVIVED')))
fi
(cd "$top" && git diff --quiet -- src) || echo "WARNING: src/ differs from HEAD"
echo "mutants-sstpd-net: $killed killed, $survived survived"
[ "$survived" = 0 ]
