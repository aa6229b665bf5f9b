#!/usr/bin/env sh
# Seeds fuzz/corpus/<target>/ from the repository's test inputs (idempotent).
# The corpus folder is not tracked; libFuzzer adds what it finds there.
set -eu
cd "$(dirname "$0")"
root=..
for t in envelope_verify ber_to_der certificate crl input_decode iin pdf_verify gost_key; do
  mkdir -p "corpus/$t"
done

# Envelopes: every shipped vector (DER, BER, PEM, base64, broken ones too).
cp "$root"/testdata/envelopes/*.p7s "$root"/testdata/envelopes/*.pem \
   "$root"/testdata/envelopes/*.b64 "$root"/testdata/envelopes/garbage.txt \
   corpus/envelope_verify/
# BER normalisation: the same envelopes and the CRLs.
cp "$root"/testdata/envelopes/*.p7s "$root"/certs/trust/*.crl corpus/ber_to_der/

# Certificates: PEM as shipped, and DER (the PEM body decoded).
for f in "$root"/certs/people/*.pem "$root"/certs/trust/*.pem "$root"/testdata/certs/*.pem; do
  case "$f" in *.key.pem) continue ;; esac
  name=$(basename "$f" .pem)
  cp "$f" "corpus/certificate/$name.pem"
  sed '/-----/d' "$f" | tr -d '\r\n' | base64 -d > "corpus/certificate/$name.der"
done

# CRLs: the trust store's and the broken ones in testdata.
cp "$root"/certs/trust/*.crl "$root"/testdata/crls/*.crl corpus/crl/

# Input decoding: PEM, base64 and DER of each kind.
cp "$root"/testdata/envelopes/rsa-attached.pem "$root"/testdata/envelopes/rsa-attached.b64 \
   "$root"/testdata/envelopes/rsa-attached.p7s "$root"/testdata/envelopes/garbage.txt \
   "$root"/certs/people/citizen-rsa.pem corpus/input_decode/

# IINs: valid, wrong check digit, wrong shape.
printf '880101300123' > corpus/iin/valid
printf '900101400013' > corpus/iin/valid2
printf '880101300124' > corpus/iin/bad-check
printf '8801013001' > corpus/iin/short
printf '88010130012' > corpus/iin/eleven

# PDFs: unsigned, signed, signed by a revoked signer, tampered.
cp "$root"/testdata/pdfs/*.pdf corpus/pdf_verify/

# GOST keys: no seeds; the target wraps its key bytes in a GOST SPKI itself.

for t in envelope_verify ber_to_der certificate crl input_decode iin pdf_verify gost_key; do
  echo "corpus/$t: $(ls "corpus/$t" | wc -l) files"
done
