#!/bin/sh
# mkcerts.sh OUTDIR - generate the test PKI used by the integration tests.
#
# Everything is created fresh in OUTDIR (nothing is committed).  EC P-256
# keys, so it takes well under a second or two.  Files (each NAME.pem has a
# NAME.key):
#   ca.pem ca.key          test root CA ("sstpc test CA")
#   valid                  SAN DNS:localhost, IP:127.0.0.1, IP:::1; EKU serverAuth
#   wrongname              SAN DNS:other.invalid
#   expired                valid 2020-01-01 .. 2021-01-01
#   notyet                 valid 2099-01-01 .. 2100-01-01
#   selfsigned             self-signed, SAN localhost/127.0.0.1/::1 (no CA)
#   clientauth             EKU clientAuth only, SAN localhost
#   cnonly                 CN=localhost, no subjectAltName
#   wildcard               SAN DNS:*.test.invalid
#   iponly                 SAN IP:127.0.0.1, IP:::1 only (CN=ip-only)
#   revoked                SAN localhost, revoked; crl.pem lists it
#   chain-leaf             SAN localhost, issued by intermediate.pem (signed
#                          by ca); chain-leaf-full.pem = leaf + intermediate
#   crl.pem                CRL of ca (revoked serial included)
#   other-ca.pem           an unrelated CA (for "untrusted" tests)
set -eu

out=${1:?usage: mkcerts.sh OUTDIR}
mkdir -p "$out"
cd "$out"
OPENSSL=${OPENSSL:-openssl}

rm -rf ca-db && mkdir ca-db
: > ca-db/index.txt
echo 1000 > ca-db/serial
echo 1000 > ca-db/crlnumber

cat > ca.cnf <<'EOF'
[ ca ]
default_ca = testca
[ testca ]
dir = ./ca-db
database = $dir/index.txt
serial = $dir/serial
crlnumber = $dir/crlnumber
new_certs_dir = ./ca-db
certificate = ./ca.pem
private_key = ./ca.key
default_md = sha256
default_days = 3650
default_crl_days = 3650
policy = anything
unique_subject = no
copy_extensions = none
email_in_dn = no
[ anything ]
commonName = supplied
[ req ]
distinguished_name = dn
prompt = no
[ dn ]
CN = placeholder
[ v3_ca ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ v3_inter ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ srv_local ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
[ srv_wrong ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:other.invalid
[ srv_client_only ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectAltName = DNS:localhost, IP:127.0.0.1, IP:::1
[ srv_cn_only ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
[ srv_wild ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:*.test.invalid
[ srv_ip ]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1, IP:::1
EOF

newkey() {
	"$OPENSSL" genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 \
	    -out "$1.key" 2>/dev/null
	chmod 600 "$1.key"
}

# leaf NAME CN EXTSECTION [CACERT CAKEY] [startdate enddate]
leaf() {
	name=$1 cn=$2 ext=$3 cacert=$4 cakey=$5
	shift 5
	newkey "$name"
	"$OPENSSL" req -new -key "$name.key" -subj "/CN=$cn" -config ca.cnf \
	    -out "$name.csr"
	if [ $# -eq 2 ]; then
		dates="-startdate $1 -enddate $2"
	else
		dates="-days 3650"
	fi
	# shellcheck disable=SC2086
	"$OPENSSL" ca -batch -notext -config ca.cnf -cert "$cacert" \
	    -keyfile "$cakey" -extensions "$ext" $dates -in "$name.csr" \
	    -out "$name.pem" 2>/dev/null
	rm -f "$name.csr"
}

selfsigned_ca() {
	name=$1 cn=$2
	newkey "$name"
	"$OPENSSL" req -new -x509 -key "$name.key" -subj "/CN=$cn" \
	    -config ca.cnf -extensions v3_ca -days 3650 -out "$name.pem"
}

selfsigned_ca ca "sstpc test CA"
selfsigned_ca other-ca "unrelated test CA"

leaf valid localhost srv_local ca.pem ca.key
leaf wrongname other.invalid srv_wrong ca.pem ca.key
leaf expired localhost srv_local ca.pem ca.key 20200101000000Z 20210101000000Z
leaf notyet localhost srv_local ca.pem ca.key 20990101000000Z 21000101000000Z
leaf clientauth localhost srv_client_only ca.pem ca.key
leaf cnonly localhost srv_cn_only ca.pem ca.key
leaf wildcard '*.test.invalid' srv_wild ca.pem ca.key
leaf iponly ip-only srv_ip ca.pem ca.key
leaf revoked localhost srv_local ca.pem ca.key

# intermediate + leaf below it
newkey intermediate
"$OPENSSL" req -new -key intermediate.key -subj "/CN=sstpc test intermediate" \
    -config ca.cnf -out intermediate.csr
"$OPENSSL" ca -batch -notext -config ca.cnf -cert ca.pem -keyfile ca.key \
    -extensions v3_inter -days 3650 -in intermediate.csr \
    -out intermediate.pem 2>/dev/null
rm -f intermediate.csr
leaf chain-leaf localhost srv_local intermediate.pem intermediate.key
cat chain-leaf.pem intermediate.pem > chain-leaf-full.pem

# self-signed leaf (no CA)
newkey selfsigned
"$OPENSSL" req -new -x509 -key selfsigned.key -subj "/CN=localhost" \
    -config ca.cnf -extensions srv_local -days 3650 -out selfsigned.pem

# revoke + CRL
"$OPENSSL" ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key \
    -revoke revoked.pem 2>/dev/null
"$OPENSSL" ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key \
    -gencrl -out crl.pem 2>/dev/null

# hashed directory for --ca-path style tests
mkdir -p capath
cp ca.pem capath/
"$OPENSSL" rehash capath 2>/dev/null || true

echo "certificates written to $out"
