"""pyHanko's signing speed on the same one-page result, for benches/README.md.

target/pyhanko-venv/bin/python benches/pyhanko_sign.py RESULT.pdf
(make RESULT.pdf with `qoltanba pdf render --input
testdata/pdfs/result-notification.json --lang kk --out RESULT.pdf`).
"""
import io
import sys
import time

from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers

signer = signers.SimpleSigner.load(
    "certs/people/head.key.pem",
    "certs/people/head.pem",
    ca_chain_files=("certs/trust/nca-rsa.pem",),
)
data = open(sys.argv[1], "rb").read()


def once():
    w = IncrementalPdfFileWriter(io.BytesIO(data))
    fields.append_signature_field(
        w, fields.SigFieldSpec("Sig", on_page=0, box=(40, 40, 555, 115))
    )
    out = io.BytesIO()
    meta = signers.PdfSignatureMetadata(
        field_name="Sig", subfilter=fields.SigSeedSubFilter.PADES
    )
    signers.sign_pdf(w, meta, signer=signer, output=out)


once()
n = 30
t = time.perf_counter()
for _ in range(n):
    once()
dt = (time.perf_counter() - t) / n
print(f"pyHanko visible-field PAdES sign: {dt * 1000:.1f} ms/op, {1 / dt:.1f}/s")
