"""Signs a PDF with endesive's `pdf.cms.sign` (adbe.pkcs7.detached, SHA-256,
invisible field `Endesive`), for tests/pdf_attacks.rs.

    target/pyhanko-venv/bin/python tests/judges/pdf_endesive.py IN OUT KEY CERT ISSUER
"""
import datetime
import sys
import types

# endesive.pdf imports its verifier, which loads oscrypto 1.3.0; that cannot
# read the version of OpenSSL 3.0.10 and later. Signing needs none of it.
stub = types.ModuleType("endesive.pdf.verify")
stub.PDFVerifier = stub.verify = None
sys.modules["endesive.pdf.verify"] = stub
from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives.serialization import load_pem_private_key  # noqa: E402
from endesive.pdf import cms  # noqa: E402

src, dst, key, cert, issuer = sys.argv[1:6]
udct = {
    "sigflags": 3,
    "sigfield": "Endesive",
    "contact": "qoltanba tests",
    "location": "Astana",
    "reason": "Result",
    "signingdate": datetime.datetime.now(datetime.timezone.utc).strftime(
        "D:%Y%m%d%H%M%S+00'00'"
    ),
}
data = open(src, "rb").read()
signature = cms.sign(
    data,
    udct,
    load_pem_private_key(open(key, "rb").read(), None),
    x509.load_pem_x509_certificate(open(cert, "rb").read()),
    [x509.load_pem_x509_certificate(open(issuer, "rb").read())],
    "sha256",
)
open(dst, "wb").write(data + signature)
