"""pyHanko's verdict on signed PDFs, for tests/pdf_attacks.rs and benches/pdf.rs.

    target/pyhanko-venv/bin/python tests/judges/pdf_validate.py ROOT.pem FILE...
    target/pyhanko-venv/bin/python tests/judges/pdf_validate.py --time N ROOT.pem FILE...

Prints one JSON object: for each FILE, `ok` (every embedded signature's and
document time-stamp's bottom line, pyHanko's difference analysis included)
and `lines` (one per signature: field, bottom line, coverage, modification
level, or the error pyHanko raised). No network: revocation is soft-fail,
nothing is fetched. With `--time N`, validates each file N times after one
warm-up and reports the mean milliseconds per validation instead (the
import, pyHanko's slow part, is not counted).
"""
import io
import json
import sys
import time
import warnings

warnings.filterwarnings("ignore")

from pyhanko.keys import load_cert_from_pemder  # noqa: E402
from pyhanko.pdf_utils.reader import PdfFileReader  # noqa: E402
from pyhanko.sign.validation import (  # noqa: E402
    validate_pdf_signature,
    validate_pdf_timestamp,
)
from pyhanko_certvalidator import ValidationContext  # noqa: E402


def context(root):
    return ValidationContext(
        trust_roots=[load_cert_from_pemder(root)],
        allow_fetching=False,
        revocation_mode="soft-fail",
    )


def validate(data, root):
    lines = []
    ok = True
    try:
        r = PdfFileReader(io.BytesIO(data), strict=False)
        sigs = list(r.embedded_signatures)
        if not sigs:
            return False, ["no signatures"]
        for sig in sigs:
            name = sig.field_name
            try:
                if sig.sig_object_type == "/DocTimeStamp":
                    st = validate_pdf_timestamp(sig, validation_context=context(root))
                    good = st.valid and st.intact and st.trusted
                    lines.append(f"{name}: timestamp {'ok' if good else 'bad'} {st.coverage.name}")
                else:
                    st = validate_pdf_signature(sig, context(root))
                    good = st.bottom_line
                    level = st.modification_level.name if st.modification_level else "-"
                    lines.append(
                        f"{name}: {'ok' if good else 'bad'} {st.coverage.name} {level}"
                    )
            except Exception as e:  # noqa: BLE001
                good = False
                lines.append(f"{name}: error {type(e).__name__}: {e}"[:300])
            ok = ok and good
    except Exception as e:  # noqa: BLE001
        return False, [f"error {type(e).__name__}: {e}"[:300]]
    return ok, lines


def main():
    args = sys.argv[1:]
    repeat = 0
    if args and args[0] == "--time":
        repeat = int(args[1])
        args = args[2:]
    root, files = args[0], args[1:]
    out = {}
    for f in files:
        data = open(f, "rb").read()
        if repeat:
            validate(data, root)
            t = time.perf_counter()
            for _ in range(repeat):
                validate(data, root)
            out[f] = {"ms": (time.perf_counter() - t) * 1000 / repeat}
        else:
            ok, lines = validate(data, root)
            out[f] = {"ok": ok, "lines": lines}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
