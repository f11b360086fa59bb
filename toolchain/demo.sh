#!/usr/bin/env bash
# `make demo`: the whole PeerLend lifecycle (KYC -> scoring -> oracle -> listing -> funding -> repayments ->
# delinquency -> default -> liquidation -> reserve cover) against the platform `make up` runs.
set -euo pipefail
cd "$(dirname "$0")/.."
API_URL=${PEERLEND_API_URL:-http://127.0.0.1:${PEERLEND_PORT:-8000}}
if ! curl -fsS -o /dev/null "$API_URL/readyz" 2>/dev/null; then
  echo "[peerlend] no platform answers at $API_URL; starting it with make up"
  ./toolchain/up.sh >/dev/null
fi
exec .venv/bin/python -m demo "$@"
