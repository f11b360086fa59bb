#!/usr/bin/env bash
# `make bench`: gas per operation, API throughput/latency, model metrics, indexer and oracle figures.
# Writes bench/results.json; exits non-zero if any section failed (the others still run).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
# The gas tests need the compiled contracts; compiling is a no-op when nothing changed.
./toolchain/compile.sh >/dev/null
exec timeout --signal=TERM 900 .venv/bin/python -m bench.run "$@"
