"""pyHanko's ETSI EN 319 102-1 LTA validation (ades_lta_validation) of every
signature of a PDF at a chosen time, as a live validation (the document
time-stamp chain as proofs of existence), offline from what the file
carries. Usage: pades_lta.py FILE TIME|now ROOT.pem... ; prints one line
per signature: FIELD:STATUS (pyHanko's summary) and exits 0 when all are
valid."""
import asyncio
import sys
from datetime import datetime, timezone

from pyhanko.keys import load_certs_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import DEFAULT_DIFF_POLICY
from pyhanko.sign.validation.ades import ades_lta_validation
from pyhanko.sign.validation.policy_decl import (
    PdfSignatureValidationSpec,
    SignatureValidationSpec,
)
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.ltv.types import ValidationTimingInfo
from pyhanko_certvalidator.policy_decl import (
    REQUIRE_REVINFO,
    CertRevTrustPolicy,
    FreshnessReqType,
)
from pyhanko_certvalidator.registry import SimpleTrustManager

path, when, roots = sys.argv[1], sys.argv[2], sys.argv[3:]
t = (
    datetime.now(timezone.utc)
    if when == "now"
    else datetime.fromisoformat(when.replace("Z", "+00:00"))
)
timing = ValidationTimingInfo(t, t, point_in_time_validation=False)
policy = CertValidationPolicySpec(
    trust_manager=SimpleTrustManager.build(
        trust_roots=list(load_certs_from_pemder(roots))
    ),
    revinfo_policy=CertRevTrustPolicy(
        REQUIRE_REVINFO,
        freshness=None,
        freshness_req_type=FreshnessReqType.MAX_DIFF_REVOCATION_VALIDATION,
    ),
)
spec = PdfSignatureValidationSpec(
    signature_validation_spec=SignatureValidationSpec(cert_validation_policy=policy),
    diff_policy=DEFAULT_DIFF_POLICY,
)
ok = True
with open(path, "rb") as f:
    r = PdfFileReader(f)
    for sig in r.embedded_regular_signatures:
        res = asyncio.run(ades_lta_validation(sig, spec, timing_info=timing))
        st = res.api_status
        print(f"{sig.field_name}:{res.ades_subindic}:{st.summary() if st else '-'}")
        ok &= st is not None and st.bottom_line
sys.exit(0 if ok else 1)
