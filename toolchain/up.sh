#!/usr/bin/env bash
# Runs PeerLend locally: anvil, the deployed system, the API, the indexer and the oracle nodes.
# Each piece logs to .run/logs/<name>.log; `make down` stops them all.
set -euo pipefail
cd "$(dirname "$0")/.."
source toolchain/lib.sh

CHAIN_PORT=${PEERLEND_CHAIN_PORT:-8545}
RPC_URL=http://127.0.0.1:$CHAIN_PORT
MANIFEST=deployments/31337.json

say "starting anvil on $RPC_URL"
start_service anvil "$CHAIN_PORT" "$(anvil_bin)" --host 127.0.0.1 --port "$CHAIN_PORT" \
  --accounts 20 --gas-limit 30000000
wait_rpc anvil "$RPC_URL"

if [ -f "$MANIFEST" ] && [ "${PEERLEND_REDEPLOY:-0}" != 1 ] && python3 toolchain/manifest_live.py \
    --manifest "$MANIFEST" --rpc-url "$RPC_URL" 2>/dev/null; then
  say "system already deployed on this chain ($MANIFEST)"
else
  say "compiling and deploying"
  .tools/brownie/bin/brownie compile >"$LOG_DIR/compile.log" 2>&1 || die "compile failed; see $LOG_DIR/compile.log"
  .tools/brownie/bin/python toolchain/deploy_to_rpc.py --rpc-url "$RPC_URL" >"$LOG_DIR/deploy.log" 2>&1 \
    || die "deploy failed; last lines of $LOG_DIR/deploy.log:
$(tail -n 30 "$LOG_DIR/deploy.log")"
fi

say "deployment manifest ($MANIFEST):"
cat "$MANIFEST"
