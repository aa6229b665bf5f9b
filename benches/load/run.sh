#!/usr/bin/env bash
# HTTP load on loopback: POST /v1/verify with a valid RSA-2048 envelope, and
# GET /healthz as the HTTP ceiling. Bounded: each run lasts DURATION seconds.
# Usage: benches/load/run.sh [DURATION=10] [CONNECTIONS=64] [GENERATOR_THREADS=1] [rsa|gost]
# `gost` verifies a detached GOST 34.10-2015/512 envelope (two-level GOST
# chain, GOST CRLs: certs/gost) instead of the RSA-2048 one; the service then
# trusts both demo hierarchies.
# One wrk thread by default: on 2 cores a second generator thread takes CPU
# from the service (wrk -t2 is about 3 % lower on verify).
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${1:-10}
CONNS=${2:-64}
THREADS=${3:-1}
ALG=${4:-rsa}
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
cargo build --release -q
DATA=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$DATA/trust"
cp certs/trust/* "$DATA/trust/"
if [ "$ALG" = gost ]; then
  cp certs/gost/trust/* "$DATA/trust/"
  ENVELOPE=testdata/gost/envelopes/gost2015-detached.p7s
  REQUEST=testdata/gost/envelopes/request.json
  LABEL="GOST 34.10-2015/512 detached, 2-level GOST chain, GOST CRLs, audit"
else
  ENVELOPE=testdata/envelopes/rsa-detached.p7s
  REQUEST=testdata/envelopes/request.json
  LABEL="RSA-2048 detached, 2-level chain, CRLs, audit"
fi
QOLTANBA_LISTEN=127.0.0.1:$PORT QOLTANBA_DATA_DIR=$DATA QOLTANBA_LOG=warn \
  QOLTANBA_TRUST_DIR=$DATA/trust ./target/release/qoltanba serve > "$DATA/out" 2> "$DATA/err" &
PID=$!
trap 'kill -TERM $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 100); do grep -q qtb_ "$DATA/out" 2>/dev/null && break; sleep 0.1; done
TOKEN=$(grep qtb_ "$DATA/out" | head -n 1)
SIG=$(base64 -w0 "$ENVELOPE")
DAT=$(base64 -w0 "$REQUEST")
cat > "$DATA/verify.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"signature":"$SIG","data":"$DAT","iin":"880101300123"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
LUA
echo "== GET /healthz (HTTP ceiling), $CONNS connections, $THREADS wrk thread(s), ${DURATION}s"
wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency "http://127.0.0.1:$PORT/healthz" | grep -E "Requests/sec|50%|90%|99%|Non-2xx|Socket errors"
echo "== POST /v1/verify ($LABEL), $CONNS connections, $THREADS wrk thread(s), ${DURATION}s"
wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency -s "$DATA/verify.lua" "http://127.0.0.1:$PORT/v1/verify" | grep -E "Requests/sec|50%|90%|99%|Non-2xx|Socket errors"
kill -TERM $PID; wait $PID || true
QOLTANBA_DATA_DIR=$DATA ./target/release/qoltanba audit verify
