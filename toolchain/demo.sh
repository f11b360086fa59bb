#!/usr/bin/env bash
# `make demo`: the whole PeerLend lifecycle (KYC -> scoring -> oracle -> listing -> funding -> repayments ->
# delinquency -> default -> liquidation -> reserve cover) against the platform `make up` runs.
set -euo pipefail
cd "$(dirname "$0")/.."
API_URL=${PEERLEND_API_URL:-http://127.0.0.1:${PEERLEND_PORT:-8000}}
CHAIN_AHEAD_EXIT=3  # demo/__main__.py: an earlier run moved the chain's clock months ahead

if ! curl -fsS -o /dev/null "$API_URL/readyz" 2>/dev/null; then
  echo "[peerlend] no platform answers at $API_URL; starting it with make up"
  ./toolchain/up.sh >/dev/null
fi
status=0
.venv/bin/python -m demo "$@" || status=$?
if [ "$status" -eq "$CHAIN_AHEAD_EXIT" ] && [ -z "${PEERLEND_API_URL:-}${PEERLEND_RPC_URL:-}" ]; then
  # Fresh credit records would be stale at once on that chain: start the local platform again on a
  # new chain (what `make down && make up` does) and run once more.
  echo "[peerlend] restarting the local platform on a new chain"
  ./toolchain/down.sh >/dev/null
  ./toolchain/up.sh >/dev/null
  exec .venv/bin/python -m demo "$@"
fi
exit "$status"
