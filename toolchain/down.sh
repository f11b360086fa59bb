#!/usr/bin/env bash
# Stops everything `make up` started, newest first, each with SIGTERM and a grace period.
set -euo pipefail
cd "$(dirname "$0")/.."
source toolchain/lib.sh
for name in collections disclosure servicing notifications aml-worker keeper aggregator oracle-node-3 oracle-node-2 oracle-node-1 indexer api mail-sink anvil; do
  stop_service "$name"
done
say "PeerLend stopped"
