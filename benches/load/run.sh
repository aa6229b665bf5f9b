#!/usr/bin/env bash
# HTTP load on loopback: POST /v1/verify with a valid RSA-2048 envelope, and
# GET /healthz as the HTTP ceiling. Bounded: each run lasts DURATION seconds.
# Usage: benches/load/run.sh [DURATION=10] [CONNECTIONS=64] [GENERATOR_THREADS=1]
# One wrk thread by default: on 2 cores a second generator thread takes CPU
# from the service (wrk -t2 is about 3 % lower on verify).
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION=${1:-10}
CONNS=${2:-64}
THREADS=${3:-1}
command -v wrk >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
cargo build --release -q
DATA=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
QOLTANBA_LISTEN=127.0.0.1:$PORT QOLTANBA_DATA_DIR=$DATA QOLTANBA_LOG=warn \
  ./target/release/qoltanba serve > "$DATA/out" 2> "$DATA/err" &
PID=$!
trap 'kill -TERM $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$DATA"' EXIT
for _ in $(seq 100); do grep -q qtb_ "$DATA/out" 2>/dev/null && break; sleep 0.1; done
TOKEN=$(grep qtb_ "$DATA/out" | head -n 1)
SIG=$(base64 -w0 testdata/envelopes/rsa-detached.p7s)
DAT=$(base64 -w0 testdata/envelopes/request.json)
cat > "$DATA/verify.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"signature":"$SIG","data":"$DAT","iin":"880101300123"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
LUA
echo "== GET /healthz (HTTP ceiling), $CONNS connections, $THREADS wrk thread(s), ${DURATION}s"
wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency "http://127.0.0.1:$PORT/healthz" | grep -E "Requests/sec|50%|90%|99%|Non-2xx|Socket errors"
echo "== POST /v1/verify (RSA-2048 detached, 2-level chain, CRLs, audit), $CONNS connections, $THREADS wrk thread(s), ${DURATION}s"
wrk -t"$THREADS" -c"$CONNS" -d"${DURATION}s" --latency -s "$DATA/verify.lua" "http://127.0.0.1:$PORT/v1/verify" | grep -E "Requests/sec|50%|90%|99%|Non-2xx|Socket errors"
kill -TERM $PID; wait $PID || true
QOLTANBA_DATA_DIR=$DATA ./target/release/qoltanba audit verify
