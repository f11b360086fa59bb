#!/usr/bin/env bash
# Runs PeerLend locally: anvil, the deployed system, the API, the indexer and the oracle nodes.
# Each piece logs to .run/logs/<name>.log; `make down` stops them all.
set -euo pipefail
cd "$(dirname "$0")/.."
source toolchain/lib.sh

CHAIN_PORT=${PEERLEND_CHAIN_PORT:-8545}
API_PORT=${PEERLEND_PORT:-8000}
RPC_URL=http://127.0.0.1:$CHAIN_PORT
API_URL=http://127.0.0.1:$API_PORT
MANIFEST=deployments/31337.json
# Local-only operator key with every role, so the demo and a newcomer can use operator routes.
# The service refuses it (and every other development secret) when PEERLEND_ENV=production.
export PEERLEND_ENV=development
export PEERLEND_RPC_URL=$RPC_URL
export PEERLEND_PORT=$API_PORT
export PEERLEND_MANIFEST_PATH=$PWD/$MANIFEST
export PEERLEND_BOOTSTRAP_ADMIN_KEY=${PEERLEND_BOOTSTRAP_ADMIN_KEY:-local-admin-key}

say "starting anvil on $RPC_URL"
start_service anvil "$CHAIN_PORT" "$(anvil_bin)" --host 127.0.0.1 --port "$CHAIN_PORT" \
  --accounts 20 --gas-limit 30000000
wait_rpc anvil "$RPC_URL"

if [ -f "$MANIFEST" ] && [ "${PEERLEND_REDEPLOY:-0}" != 1 ] && python3 toolchain/manifest_live.py \
    --manifest "$MANIFEST" --rpc-url "$RPC_URL" 2>/dev/null; then
  say "system already deployed on this chain ($MANIFEST)"
else
  # A fresh chain invalidates everything the service derived from the old one.
  rm -f "$RUN_DIR"/peerlend.db* "$RUN_DIR"/oracle-*.db* "$RUN_DIR/oracle-api-key"
  say "compiling and deploying"
  .tools/brownie/bin/brownie compile >"$LOG_DIR/compile.log" 2>&1 || die "compile failed; see $LOG_DIR/compile.log"
  .tools/brownie/bin/python toolchain/deploy_to_rpc.py --rpc-url "$RPC_URL" >"$LOG_DIR/deploy.log" 2>&1 \
    || die "deploy failed; last lines of $LOG_DIR/deploy.log:
$(tail -n 30 "$LOG_DIR/deploy.log")"
fi

say "starting the API on $API_URL"
start_service api "$API_PORT" .venv/bin/python -m backend.main
wait_http api "$API_URL/readyz"

say "starting the indexer"
start_service indexer "" .venv/bin/python -m backend.chain.indexer

# The oracle nodes poll the service with an operator key of their own (role `oracle`).
if [ ! -s "$RUN_DIR/oracle-api-key" ]; then
  .venv/bin/peerlend apikey create --name local-oracle --roles oracle | awk '/^key:/{print $2}' \
    >"$RUN_DIR/oracle-api-key"
fi
export PEERLEND_ORACLE_ENV=development
export PEERLEND_ORACLE_RPC_URL=$RPC_URL
export PEERLEND_ORACLE_MANIFEST_PATH=$PWD/$MANIFEST
export PEERLEND_ORACLE_SERVICE_URL=$API_URL
export PEERLEND_ORACLE_API_KEY=$(cat "$RUN_DIR/oracle-api-key")
export PEERLEND_ORACLE_STORE_PATH=$RUN_DIR/oracle-aggregator.db
# Local signer keys are anvil accounts 3..5 and the submitter account 6; the oracle settings refuse
# these well-known keys outside development.
anvil_key() { .venv/bin/python scripts/deployment/local_accounts.py "$1"; }
for i in 1 2 3; do
  say "starting oracle signer node $i"
  PEERLEND_ORACLE_PRIVATE_KEY=$(anvil_key $((i + 2))) \
    start_service "oracle-node-$i" $((8700 + i)) .venv/bin/python -m oracle.node --index "$i"
done
for i in 1 2 3; do wait_http "oracle-node-$i" "http://127.0.0.1:$((8700 + i))/healthz"; done
say "starting the oracle aggregator (threshold 2 of 3)"
PEERLEND_ORACLE_SUBMITTER_PRIVATE_KEY=$(anvil_key 6) \
  start_service aggregator 8710 .venv/bin/python -m oracle.aggregator

say "deployment manifest ($MANIFEST):"
cat "$MANIFEST"
cat <<EOM

PeerLend is running.
  chain (anvil)    $RPC_URL   chain id 31337
  API              $API_URL/v1
  API docs         $API_URL/docs
  health / metrics $API_URL/healthz  $API_URL/metrics
  operator key     $PEERLEND_BOOTSTRAP_ADMIN_KEY   (header X-API-Key, role admin; local only)
  oracle nodes     http://127.0.0.1:8701 .. 8703 (2 of 3 sign), aggregator metrics :8710/metrics
  logs             $LOG_DIR/
Demo accounts (anvil's default mnemonic "test test test test test test test test test test test junk"):
$(python3 -c "import json;m=json.load(open('$MANIFEST'))['accounts'];[print(f'  {k:<14} {v}') for k,v in m.items() if k!='users'];print('  users          ' + ', '.join(m.get('users', [])[:4]) + ', ...')")
Stop everything with: make down
EOM
