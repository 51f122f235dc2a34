#!/usr/bin/env bash
# tests/integration/tier-weakcert.sh - certificates with weak cryptography
# are refused before any HTTP byte: a leaf signed with SHA-1 and a leaf with
# a 1024-bit RSA key, both issued by the test CA for localhost.  The server
# is `openssl s_server` at security level 0 (the Python test server's
# OpenSSL refuses to load such certificates); whatever sstpc sends after the
# handshake is printed by s_server, so "no HTTP byte" is checked directly.
. "$(dirname "$0")/lib.sh"
TIER_NAME=weakcert
cd "$PKI" || exit 1
OPENSSL=${OPENSSL:-openssl}

# weak_leaf NAME KEYCMD... : a localhost leaf signed by the test CA
weak_leaf() {
	local name=$1 md=$2
	shift 2
	"$@" -out "$name.key" 2>/dev/null &&
	"$OPENSSL" req -new -key "$name.key" -subj /CN=localhost -config ca.cnf \
		-out "$name.csr" &&
	"$OPENSSL" ca -batch -notext -config ca.cnf -cert ca.pem -keyfile ca.key \
		-extensions srv_local -days 3650 -md "$md" -in "$name.csr" \
		-out "$name.pem" >/dev/null 2>&1
}
weak_leaf weaksig sha1 "$OPENSSL" genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 ||
	{ echo "cannot make weaksig"; exit 1; }
weak_leaf weakkey sha256 "$OPENSSL" genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 ||
	{ echo "cannot make weakkey"; exit 1; }
cd - >/dev/null || exit 1

# weak_case NAME CERT REGEX
weak_case() {
	local name=$1 cert=$2 re=$3 port srv
	new_case "$name"
	port=$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	"$OPENSSL" s_server -accept "127.0.0.1:$port" -cert "$PKI/$cert.pem" \
		-key "$PKI/$cert.key" -cipher 'DEFAULT:@SECLEVEL=0' -naccept 1 \
		-quiet >"$CASE_DIR/server.out" 2>"$CASE_DIR/server.err" &
	srv=$!
	sleep 0.5
	standin_env 1
	launch_args
	sstpc_bg "${LA[@]}" localhost:"$port" 3<"$PWFILE"
	sstpc_wait 15
	sleep 0.3
	kill "$srv" 2>/dev/null
	wait "$srv" 2>/dev/null
	expect '[ "$RC" = 4 ]' "exit $RC, want 4"
	expect '[ ! -s "$CASE_DIR/server.out" ]' "bytes reached the server after the handshake"
	expect 'log_has "$re"' "no message naming the cause"
	verdict "$name"
}

weak_case cert-weak-signature weaksig 'too weak|weak'
weak_case cert-weak-key weakkey 'too small|key'
finish
