#!/usr/bin/env python3
"""An independent GOST R 34.10 judge for tests/gost_judge.rs, on PyPI's
gostcrypto (pure Python: GOST R 34.10-2012 on the TC26 curves, Streebog).

Reads one JSON request on stdin, writes one JSON answer on stdout.

  {"op": "verify", "cases": [{"curve", "key", "sig", "digest", "msg"?, "hash"?}]}
      -> [{"verify": true|false|null, "error": str|null,
           "on_curve": bool, "digest": hex|null}]
  {"op": "generate", "curve": name, "count": n}
      -> [{"d", "key", "digest", "sig"}]
  {"op": "params", "curve": name}
      -> {"p": hex, "q": hex}   (little-endian, the curve's size)

Every value is hex in qoltanba's byte order (CryptoPro / RFC 4491): a key
is X||Y and a signature r||s, each half little-endian; a digest is the hash
output as written, read as a little-endian integer. gostcrypto takes and
gives big-endian halves and a big-endian digest, so each half is reversed
on the way in and out.

"curve" is qoltanba's name: CryptoProA (= id-tc26-gost-3410-2012-256-
paramSetB, GOST 34.310-2004), Tc26_256A, Tc26_512A. gostcrypto has no GOST
R 34.11-94, so for GOST 34.310-2004 the digest comes from the caller; with
"msg" and "hash" = streebog256|streebog512 the judge hashes the message
itself, verifies with its own digest, and returns that digest.

gostcrypto's verify does not check that the key is a point of the curve
(and takes a key with a zero coordinate for the base point), so "on_curve"
is computed here from the curve's Weierstrass equation.
"""

import json
import os
import sys

from gostcrypto import gosthash, gostsignature

CURVES = {
    "CryptoProA": (gostsignature.MODE_256, "id-tc26-gost-3410-2012-256-paramSetB"),
    "Tc26_256A": (gostsignature.MODE_256, "id-tc26-gost-3410-2012-256-paramSetA"),
    "Tc26_512A": (gostsignature.MODE_512, "id-tc26-gost-3410-12-512-paramSetA"),
}


def signer(curve):
    mode, name = CURVES[curve]
    return gostsignature.new(mode, gostsignature.CURVES_R_1323565_1_024_2019[name])


def halves_reversed(b):
    n = len(b) // 2
    return bytearray(b[:n][::-1] + b[n:][::-1])


def on_curve(s, key_be):
    n = len(key_be) // 2
    x = int.from_bytes(key_be[:n], "big")
    y = int.from_bytes(key_be[n:], "big")
    # The fields are private; gostcrypto has converted the twisted Edwards
    # parameters of TC26 256 A to the canonical Weierstrass form.
    p, a, b = s._p, s._a, s._b
    return x < p and y < p and (y * y - (x * x * x + a * x + b)) % p == 0


def verify(case):
    s = signer(case["curve"])
    key = bytes.fromhex(case["key"])
    sig = bytes.fromhex(case["sig"])
    digest = bytes.fromhex(case["digest"])
    own = None
    if "msg" in case and case.get("hash") in ("streebog256", "streebog512"):
        h = gosthash.new(case["hash"], data=bytearray(bytes.fromhex(case["msg"])))
        own = bytes(h.digest())
        digest = own
    key_be = halves_reversed(key)
    out = {"verify": None, "error": None, "on_curve": None, "digest": own.hex() if own else None}
    if len(key_be) == 2 * s._size:
        out["on_curve"] = on_curve(s, key_be)
    try:
        out["verify"] = bool(s.verify(key_be, bytearray(digest[::-1]), halves_reversed(sig)))
    except Exception as e:  # gostcrypto raises on wrong lengths
        out["error"] = f"{type(e).__name__}: {e}"
    return out


def generate(curve, count):
    s = signer(curve)
    q, size = s._q, s._size
    out = []
    for _ in range(count):
        d = 0
        while not 0 < d < q:
            d = int.from_bytes(os.urandom(size), "big")
        d_be = bytearray(d.to_bytes(size, "big"))
        key_be = s.public_key_generate(bytearray(d_be))
        digest = os.urandom(size)
        sig_be = s.sign(bytearray(d_be), bytearray(digest[::-1]))
        out.append(
            {
                "d": bytes(d_be[::-1]).hex(),
                "key": bytes(halves_reversed(key_be)).hex(),
                "digest": digest.hex(),
                "sig": bytes(halves_reversed(sig_be)).hex(),
            }
        )
    return out


def main():
    req = json.load(sys.stdin)
    if req["op"] == "verify":
        answer = [verify(c) for c in req["cases"]]
    elif req["op"] == "generate":
        answer = generate(req["curve"], int(req["count"]))
    elif req["op"] == "params":
        s = signer(req["curve"])
        answer = {k: v.to_bytes(s._size, "little").hex() for k, v in (("p", s._p), ("q", s._q))}
    else:
        raise SystemExit(f"unknown op {req['op']!r}")
    json.dump(answer, sys.stdout)


if __name__ == "__main__":
    main()
