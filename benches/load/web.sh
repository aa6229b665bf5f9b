#!/usr/bin/env bash
# HTTP load on the public pages, loopback, wrk on the same machine:
#   GET /verify of an issued one-page result, paced to just over 1,000
#   requests/s (wrk's per-request delay: CONNS connections each waiting
#   PACE_MS between requests; each request's own latency adds to the wait,
#   so 12 x 10 ms gives ~1,100/s where 10 x 10 ms could never reach 1,000),
#   then unpaced (the ceiling);
#   POST /check (multipart) of the same one-page signed PDF, unpaced.
# Page weight: the bytes of the /verify page, its stylesheet and icon.
# Usage: benches/load/web.sh [DURATION=10] [PACED_CONNS=12] [PACE_MS=10]
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${1:-10}
PACED_CONNS=${2:-12}
PACE_MS=${3:-10}
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
cargo build --release -q
cargo build --release -q --example web_fixture
TARGET=${CARGO_TARGET_DIR:-target}
DATA=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
VERIFY=$("$TARGET/release/examples/web_fixture" "$DATA")
QOLTANBA_LISTEN=127.0.0.1:$PORT QOLTANBA_DATA_DIR=$DATA QOLTANBA_LOG=warn \
  QOLTANBA_TRUST_DIR=certs/trust QOLTANBA_CHECKS_PER_MINUTE=100000000 \
  "$TARGET/release/qoltanba" serve > "$DATA/out" 2> "$DATA/err" &
PID=$!
trap 'kill -TERM $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
URL="http://127.0.0.1:$PORT$VERIFY&lang=kk"
STATUS=$(curl -s -o "$DATA/page.html" -w '%{http_code}' "$URL")
PAGE=$(wc -c < "$DATA/page.html")
CSS=$(curl -s "http://127.0.0.1:$PORT/assets/qoltanba.css" | wc -c)
ICON=$(curl -s "http://127.0.0.1:$PORT/assets/icon.svg" | wc -c)
echo "== page weight of GET /verify (status $STATUS): html $PAGE + css $CSS + icon $ICON = $((PAGE + CSS + ICON)) bytes"
grep -q 'data-indication="PASSED"' "$DATA/page.html" || { echo "the fixture's page is not PASSED"; exit 1; }
cat > "$DATA/pace.lua" <<LUA
function delay() return $PACE_MS end
LUA
echo "== GET /verify paced: $PACED_CONNS connections, ${PACE_MS} ms between requests, ${DURATION}s"
wrk -t1 -c"$PACED_CONNS" -d"${DURATION}s" --latency -s "$DATA/pace.lua" "$URL" | grep -E "Requests/sec|50%|90%|99%|Non-2xx|Socket errors"
echo "== GET /verify unpaced: 64 connections, ${DURATION}s"
wrk -t1 -c64 -d"${DURATION}s" --latency "$URL" | grep -E "Requests/sec|50%|90%|99%|Non-2xx|Socket errors"
python3 - "$DATA" <<'PY'
import sys
d = sys.argv[1]
pdf = open(f"{d}/one-page.pdf", "rb").read()
b = "qoltanba-bench-7d3f"
body = (f"--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"one-page.pdf\"\r\n"
        "Content-Type: application/pdf\r\n\r\n").encode() + pdf + f"\r\n--{b}--\r\n".encode()
open(f"{d}/check.body", "wb").write(body)
PY
cat > "$DATA/check.lua" <<LUA
local f = io.open("$DATA/check.body", "rb")
wrk.method = "POST"
wrk.body = f:read("*all")
f:close()
wrk.headers["Content-Type"] = "multipart/form-data; boundary=qoltanba-bench-7d3f"
wrk.headers["Accept"] = "text/html"
LUA
echo "== POST /check of a one-page signed PDF ($(wc -c < "$DATA/one-page.pdf") bytes): 4 connections, ${DURATION}s"
wrk -t1 -c4 -d"${DURATION}s" --latency -s "$DATA/check.lua" "http://127.0.0.1:$PORT/check" | grep -E "Requests/sec|50%|90%|99%|Non-2xx|Socket errors"
echo "== POST /check: 1 connection, ${DURATION}s"
wrk -t1 -c1 -d"${DURATION}s" --latency -s "$DATA/check.lua" "http://127.0.0.1:$PORT/check" | grep -E "Requests/sec|50%|90%|99%|Non-2xx|Socket errors"
