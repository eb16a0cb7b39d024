#!/usr/bin/env bash
# Verifies the worked example of docs/ledger-merkle.md (inclusion-3-in-5.json) with bash, xxd,
# sha256sum, base64 and openssl only: none of Custody Ledger's code. Values can be overridden through
# the environment to check another proof. Exit status 0 = verified.
set -euo pipefail

: "${PUBLIC_KEY:=c0WHenlCBX_MYt0PEPe5sLAEKYxKTbIvwC0IQf_H6kk}"
if [ -z "${LEAF_JSON:-}" ]; then
  LEAF_JSON='{"eventHash":"112b3897f685f4ded16fddd0a8a44482f777a8d32e85d362ca08cbee98298ae4","logIndex":3,"lotId":"0190a5b2-7c1e-7d3a-9f00-3b5c2e8d4a11","seq":3,"v":1}'
fi
: "${LEAF_INDEX:=3}"
: "${TREE_SIZE:=5}"
: "${AUDIT_PATH:=29c15df18102208173bc673514ccdfd57789dce99db50b22ffda9eca44fe00d0 095fb63e3dfe6adef58e2078f8a5833c16ab1069c8e96bfdb70520fbfd7a3ee5 1f23b6f40beeca6fe5e1d975236f28ab69b2ac43b05b78a0f6e1eb2ba552bfcc}"
: "${ROOT_HASH:=0ee9102fa07d7335474c0fb619c857b1761b6832f8738a3289e703ba93ad7787}"
: "${ISSUED_AT:=2025-01-15T10:00:00.000Z}"
: "${SIGNATURE:=UHqs3cAODlDTYPZ_hARcEy7YbL4B0smykR38Z23uTCxQTMdISzbEGf5DHrDytpn61K-rA3TqUKfgHVdtp-ZqDg}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# base64url (no padding) -> bytes
b64url_decode() {
  local s
  s=$(printf '%s' "$1" | tr '_-' '/+')
  while [ $((${#s} % 4)) -ne 0 ]; do s="$s="; done
  printf '%s' "$s" | base64 -d
}
# node hash: SHA-256(0x01 || left || right), hex in and out
node_hash() { { printf '\001'; printf '%s%s' "$1" "$2" | xxd -r -p; } | sha256sum | cut -c1-64; }

# 1. The checkpoint signature: Ed25519 over the four-line body, with the raw key wrapped in SPKI.
{ printf '302a300506032b6570032100' | xxd -r -p; b64url_decode "$PUBLIC_KEY"; } >"$work/key.der"
openssl pkey -pubin -inform DER -in "$work/key.der" -out "$work/key.pem"
root_b64=$(printf '%s' "$ROOT_HASH" | xxd -r -p | base64)
printf 'custody-ledger/v1\n%s\n%s\n%s\n' "$TREE_SIZE" "$root_b64" "$ISSUED_AT" >"$work/body.txt"
b64url_decode "$SIGNATURE" >"$work/sig.bin"
echo "key id: $(b64url_decode "$PUBLIC_KEY" | sha256sum | cut -c1-16)"
if openssl pkeyutl -verify -pubin -inkey "$work/key.pem" -rawin -in "$work/body.txt" -sigfile "$work/sig.bin" >/dev/null; then
  echo "signature: OK"
else
  echo "signature: FAILED"
  exit 1
fi

# 2. The leaf hash: SHA-256(0x00 || leaf JSON bytes).
leaf_hash=$({ printf '\000'; printf '%s' "$LEAF_JSON"; } | sha256sum | cut -c1-64)
echo "leaf hash: $leaf_hash"

# 3. RFC 9162 section 2.1.3.2: walk the audit path up to the root.
fn=$LEAF_INDEX
sn=$((TREE_SIZE - 1))
r=$leaf_hash
for p in $AUDIT_PATH; do
  if [ "$sn" -eq 0 ]; then echo "inclusion: FAILED (path too long)"; exit 1; fi
  if [ $((fn % 2)) -eq 1 ] || [ "$fn" -eq "$sn" ]; then
    r=$(node_hash "$p" "$r")
    if [ $((fn % 2)) -eq 0 ]; then
      while [ $((fn % 2)) -eq 0 ] && [ "$fn" -ne 0 ]; do fn=$((fn / 2)); sn=$((sn / 2)); done
    fi
  else
    r=$(node_hash "$r" "$p")
  fi
  fn=$((fn / 2))
  sn=$((sn / 2))
done
echo "computed root: $r"
if [ "$sn" -eq 0 ] && [ "$r" = "$ROOT_HASH" ]; then
  echo "inclusion: OK"
else
  echo "inclusion: FAILED"
  exit 1
fi
