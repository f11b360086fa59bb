#!/usr/bin/env bash
# `make demo`: the whole PeerLend lifecycle (KYC -> scoring -> oracle -> listing -> funding -> repayments ->
# delinquency -> default -> liquidation -> reserve cover) against the platform `make up` runs.
set -euo pipefail
cd "$(dirname "$0")/.."
API_URL=${PEERLEND_API_URL:-http://127.0.0.1:${PEERLEND_PORT:-8000}}
RPC_URL=${PEERLEND_RPC_URL:-http://127.0.0.1:8545}

# Seconds the chain's latest block is ahead of this machine's clock (empty when the chain does not answer).
chain_ahead() {
  curl -fsS -X POST -H 'content-type: application/json' "$RPC_URL" \
    --data '{"jsonrpc":"2.0","id":1,"method":"eth_getBlockByNumber","params":["latest",false]}' 2>/dev/null |
    .venv/bin/python -c 'import json, sys, time; print(int(json.load(sys.stdin)["result"]["timestamp"], 16) - int(time.time()))' \
      2>/dev/null || true
}

if ! curl -fsS -o /dev/null "$API_URL/readyz" 2>/dev/null; then
  echo "[peerlend] no platform answers at $API_URL; starting it with make up"
  ./toolchain/up.sh >/dev/null
elif [ -z "${PEERLEND_API_URL:-}${PEERLEND_RPC_URL:-}" ]; then
  # A previous run moved the local chain months ahead, where fresh credit records would be stale at
  # once: the local platform starts again from a new chain (what `make down && make up` does).
  ahead=$(chain_ahead)
  if [ -n "$ahead" ] && [ "$ahead" -gt 86400 ]; then
    echo "[peerlend] a previous demo moved the local chain $((ahead / 86400)) days ahead; restarting the platform"
    ./toolchain/down.sh >/dev/null
    ./toolchain/up.sh >/dev/null
  fi
fi
exec .venv/bin/python -m demo "$@"
