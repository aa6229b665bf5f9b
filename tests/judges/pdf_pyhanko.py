"""Honest signed PDFs made by pyHanko, for tests/pdf_attacks.rs and benches/pdf.rs.

    target/pyhanko-venv/bin/python tests/judges/pdf_pyhanko.py PLAN.json

PLAN.json is a list of steps run in order in one process (pyHanko's import
is the slow part); each step reads `in` and writes `out`, one incremental
update per step, as a form-filling or signing application would:

- {"op": "form", ...}: a text field `text` (value `value`, on page 1) and
  empty signature fields `empty` (names), with /Helv in the form's /DR;
- {"op": "sign", "who": "head", "field": "Head", "box": [x1, y1, x2, y2]
  (a new visible field; omitted: an existing field or a new invisible one),
  "certify": P, "lock": ["Decision"] or "all" (FieldMDP of a new field),
  "fill": {"Decision": "Approved"} (filled in the same revision)};
- {"op": "fill", "fill": {...}}: a form fill alone;
- {"op": "annotate"}: a text annotation (a comment) on page 1;
- {"op": "timestamp", "tsa": DIR}: a document time-stamp by an in-process
  TSA (pyHanko's DummyTimeStamper over DIR/tsa.key.pem, DIR/tsa.pem);
- {"op": "dss", "crls": [...], "at": RFC3339}: validation data (certificates
  and CRLs) for every signature, in a revision of its own.

Keys and certificates come from certs/ (the demo PKI, for tests only).
"""
import datetime
import io
import json
import sys

from asn1crypto import crl as asn1_crl
from pyhanko.keys import load_cert_from_pemder, load_private_key_from_pemder
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.generic import pdf_name, pdf_string
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers, validation
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper
from pyhanko_certvalidator import ValidationContext

CHAIN = "certs/trust/nca-rsa.pem"


def signer_for(who):
    return signers.SimpleSigner.load(
        f"certs/people/{who}.key.pem",
        f"certs/people/{who}.pem",
        ca_chain_files=(CHAIN,),
    )


def first_page(w):
    return w.root["/Pages"]["/Kids"][0]


def add_annot(w, page_ref, annot_ref):
    page = page_ref.get_object()
    annots = page.get("/Annots")
    if annots is None:
        page["/Annots"] = generic.ArrayObject([annot_ref])
        w.update_container(page)
    else:
        annots.get_object().append(annot_ref)
        if isinstance(page.raw_get("/Annots"), generic.IndirectObject):
            w.update_container(annots.get_object())
        else:
            w.update_container(page)


def text_appearance(w, value, width, height):
    data = f"/Tx BMC q BT /Helv 10 Tf 0 g 2 6 Td ({value}) Tj ET Q EMC".encode()
    stream = generic.StreamObject(
        {
            pdf_name("/Type"): pdf_name("/XObject"),
            pdf_name("/Subtype"): pdf_name("/Form"),
            pdf_name("/BBox"): generic.ArrayObject(
                [generic.NumberObject(0), generic.NumberObject(0),
                 generic.NumberObject(width), generic.NumberObject(height)]
            ),
            pdf_name("/Resources"): generic.DictionaryObject(
                {pdf_name("/Font"): w.root["/AcroForm"]["/DR"]["/Font"]}
            ),
        },
        stream_data=data,
    )
    return w.add_object(stream)


def form(w, step):
    page_ref = first_page(w)
    helv = w.add_object(
        generic.DictionaryObject(
            {
                pdf_name("/Type"): pdf_name("/Font"),
                pdf_name("/Subtype"): pdf_name("/Type1"),
                pdf_name("/BaseFont"): pdf_name("/Helvetica"),
                pdf_name("/Encoding"): pdf_name("/WinAnsiEncoding"),
            }
        )
    )
    af = generic.DictionaryObject(
        {
            pdf_name("/Fields"): generic.ArrayObject(),
            pdf_name("/DR"): generic.DictionaryObject(
                {pdf_name("/Font"): generic.DictionaryObject({pdf_name("/Helv"): helv})}
            ),
            pdf_name("/DA"): pdf_string("/Helv 10 Tf 0 g"),
        }
    )
    w.root["/AcroForm"] = w.add_object(af)
    w.update_root()
    name = step.get("text", "Decision")
    field = generic.DictionaryObject(
        {
            pdf_name("/Type"): pdf_name("/Annot"),
            pdf_name("/Subtype"): pdf_name("/Widget"),
            pdf_name("/FT"): pdf_name("/Tx"),
            pdf_name("/T"): pdf_string(name),
            pdf_name("/F"): generic.NumberObject(4),
            pdf_name("/Rect"): generic.ArrayObject(
                [generic.NumberObject(x) for x in (300, 700, 550, 720)]
            ),
            pdf_name("/DA"): pdf_string("/Helv 10 Tf 0 g"),
        }
    )
    value = step.get("value", "")
    field["/V"] = pdf_string(value)
    field["/AP"] = generic.DictionaryObject(
        {pdf_name("/N"): text_appearance(w, value, 250, 20)}
    )
    field_ref = w.add_object(field)
    af["/Fields"].append(field_ref)
    add_annot(w, page_ref, field_ref)
    for i, empty in enumerate(step.get("empty", [])):
        y = 200 + 70 * i
        fields.append_signature_field(
            w, fields.SigFieldSpec(empty, on_page=0, box=(40, y, 300, y + 60))
        )


def fill(w, values):
    for field_ref in w.root["/AcroForm"]["/Fields"]:
        field = field_ref.get_object()
        name = str(field.get("/T"))
        if name in values:
            field["/V"] = pdf_string(values[name])
            rect = [float(x) for x in field["/Rect"]]
            field["/AP"] = generic.DictionaryObject(
                {
                    pdf_name("/N"): text_appearance(
                        w, values[name], rect[2] - rect[0], rect[3] - rect[1]
                    )
                }
            )
            w.update_container(field)


def annotate(w):
    page_ref = first_page(w)
    annot = w.add_object(
        generic.DictionaryObject(
            {
                pdf_name("/Type"): pdf_name("/Annot"),
                pdf_name("/Subtype"): pdf_name("/Text"),
                pdf_name("/Rect"): generic.ArrayObject(
                    [generic.NumberObject(x) for x in (10, 10, 30, 30)]
                ),
                pdf_name("/Contents"): pdf_string("checked"),
                }
        )
    )
    add_annot(w, page_ref, annot)


def sign(w, step, out):
    field = step["field"]
    meta = dict(field_name=field, subfilter=fields.SigSeedSubFilter.PADES)
    if step.get("certify"):
        meta["certify"] = True
        meta["docmdp_permissions"] = fields.MDPPerm(step["certify"])
    spec = None
    if "box" in step or "lock" in step:
        lock = step.get("lock")
        mdp = None
        if lock == "all":
            mdp = fields.FieldMDPSpec(fields.FieldMDPAction.ALL)
        elif lock:
            mdp = fields.FieldMDPSpec(fields.FieldMDPAction.INCLUDE, fields=lock)
        spec = fields.SigFieldSpec(
            field,
            on_page=0,
            box=tuple(step.get("box", (0, 0, 0, 0))),
            field_mdp_spec=mdp,
        )
    signers.sign_pdf(
        w,
        signers.PdfSignatureMetadata(**meta),
        signer=signer_for(step.get("who", "head")),
        new_field_spec=spec,
        output=out,
    )


def timestamp(w, step, out):
    tsa = step["tsa"]
    stamper = DummyTimeStamper(
        tsa_cert=load_cert_from_pemder(f"{tsa}/tsa.pem"),
        tsa_key=load_private_key_from_pemder(f"{tsa}/tsa.key.pem", None),
        certs_to_embed=[load_cert_from_pemder(CHAIN)],
    )
    signers.PdfTimeStamper(stamper).timestamp_pdf(
        w, "sha256", output=out, validation_context=None
    )


def dss(data, step, out):
    crls = [asn1_crl.CertificateList.load(open(p, "rb").read()) for p in step["crls"]]
    at = datetime.datetime.fromisoformat(step["at"].replace("Z", "+00:00"))
    vc = ValidationContext(
        trust_roots=[load_cert_from_pemder("certs/trust/root-ca.pem")],
        other_certs=[load_cert_from_pemder(CHAIN)],
        crls=crls,
        allow_fetching=False,
        revocation_mode="soft-fail",
        moment=at,
    )
    r = PdfFileReader(io.BytesIO(data))
    sigs = list(r.embedded_regular_signatures)
    buf = io.BytesIO(data)
    for sig in sigs:
        validation.add_validation_info(sig, vc, in_place=True, output=buf)
        r = PdfFileReader(buf)
    out.write(buf.getvalue())


def run(step):
    data = open(step["in"], "rb").read()
    out = io.BytesIO()
    op = step["op"]
    if op == "dss":
        dss(data, step, out)
    else:
        w = IncrementalPdfFileWriter(io.BytesIO(data))
        if op == "form":
            form(w, step)
            w.write(out)
        elif op == "fill":
            fill(w, step["fill"])
            w.write(out)
        elif op == "annotate":
            annotate(w)
            w.write(out)
        elif op == "sign":
            if step.get("fill"):
                fill(w, step["fill"])
            sign(w, step, out)
        elif op == "timestamp":
            timestamp(w, step, out)
        else:
            raise SystemExit(f"unknown op {op!r}")
    open(step["out"], "wb").write(out.getvalue())


def main():
    for step in json.load(open(sys.argv[1])):
        try:
            run(step)
        except Exception as e:  # noqa: BLE001
            raise SystemExit(f"step {step}: {type(e).__name__}: {e}")


if __name__ == "__main__":
    main()
