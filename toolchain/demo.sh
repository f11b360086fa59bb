#!/usr/bin/env bash
# `make demo`: the whole PeerLend lifecycle (KYC -> scoring -> oracle -> listing -> funding -> repayments ->
# delinquency -> default -> liquidation -> reserve cover) against the platform `make up` runs.
set -euo pipefail
cd "$(dirname "$0")/.."
exec .venv/bin/python -m demo "$@"
