#!/usr/bin/env bash
# Runs PeerLend locally: anvil, the deployed system, the API, the indexer and the oracle nodes.
#
# Local state is kept per deployment. Each deployment of the contracts (on a new chain, or with
# PEERLEND_REDEPLOY=1) has its own service database .run/db/<deployment>.db and its own oracle directory
# .run/oracle/<deployment>/ (aggregator store, node round guards, the oracle's API key), where
# <deployment> is <chain id>-<8 hex digits> derived from its manifest (toolchain/deployment.py); a copy of
# the manifest stays beside them in .run/deployments/. KYC applications, questionnaires, loan
# applications and the audit log are primary data, not a mirror of the chain, so a new chain never
# deletes anything: the previous deployment's files stay where they are, and only `make reset` removes
# local state (after confirmation). Processes started for another deployment (API, indexer, oracle
# nodes, aggregator) are stopped and started again on the new deployment's files.
#
# Each piece logs to .run/logs/<name>.log, appended and rotated by size (toolchain/logpipe.py).
# `make down` stops them all.
set -euo pipefail
cd "$(dirname "$0")/.."
source toolchain/lib.sh

CHAIN_PORT=${PEERLEND_CHAIN_PORT:-8545}
API_PORT=${PEERLEND_PORT:-8000}
NODE_BASE_PORT=${PEERLEND_ORACLE_NODE_BASE_PORT:-8701}
METRICS_PORT=${PEERLEND_ORACLE_METRICS_PORT:-8710}
MAIL_PORT=${PEERLEND_MAIL_PORT:-8025}
RPC_URL=http://127.0.0.1:$CHAIN_PORT
API_URL=http://127.0.0.1:$API_PORT
MANIFEST_DIR=${PEERLEND_MANIFEST_DIR:-$PWD/deployments}
MANIFEST=$MANIFEST_DIR/31337.json
BOUND=(collections disclosure servicing notifications aml-worker keeper aggregator oracle-node-3 oracle-node-2 oracle-node-1 indexer api)  # stop order: writers first
# Local-only operator key with every role, so the demo and a newcomer can use operator routes.
# The service refuses it (and every other development secret) when PEERLEND_ENV=production.
export PEERLEND_ENV=development
export PEERLEND_RPC_URL=$RPC_URL
export PEERLEND_PORT=$API_PORT
export PEERLEND_MANIFEST_PATH=$MANIFEST
export PEERLEND_BOOTSTRAP_ADMIN_KEY=${PEERLEND_BOOTSTRAP_ADMIN_KEY:-local-admin-key}
# Notification email goes to the local SMTP sink unless another server is configured.
export PEERLEND_NOTIFICATIONS_SMTP_HOST=${PEERLEND_NOTIFICATIONS_SMTP_HOST:-127.0.0.1}
export PEERLEND_NOTIFICATIONS_SMTP_PORT=${PEERLEND_NOTIFICATIONS_SMTP_PORT:-$MAIL_PORT}

deployment_of() { python3 toolchain/deployment.py id "$1"; }

# Keeps a copy of a deployment's manifest beside its data: deploying again overwrites deployments/.
archive_manifest() {
  local id
  id=$(deployment_of "$1")
  mkdir -p "$RUN_DIR/deployments"
  [ -f "$RUN_DIR/deployments/$id.json" ] || cp "$1" "$RUN_DIR/deployments/$id.json"
}

# Before state was kept per deployment it lived in .run/peerlend.db*, .run/oracle-aggregator.db* and
# .run/oracle-api-key, and a new deployment deleted it. Such files belong to the deployment of the
# manifest here now (they were made after it was deployed): move them under its id, once whatever has
# them open has stopped.
adopt_unkeyed_state() {
  local id f target
  compgen -G "$RUN_DIR/peerlend.db*" >/dev/null || compgen -G "$RUN_DIR/oracle-aggregator.db*" >/dev/null \
    || [ -e "$RUN_DIR/oracle-api-key" ] || return 0
  if [ -f "$MANIFEST" ]; then id=$(deployment_of "$MANIFEST"); archive_manifest "$MANIFEST"
  else id=31337-unknown-$(date -u +%Y%m%d%H%M%S); fi
  for name in "${BOUND[@]}"; do stop_service "$name"; done
  mkdir -p "$RUN_DIR/db" "$RUN_DIR/oracle/$id"
  for f in "$RUN_DIR"/peerlend.db "$RUN_DIR"/peerlend.db-wal "$RUN_DIR"/peerlend.db-shm \
           "$RUN_DIR"/oracle-aggregator.db "$RUN_DIR"/oracle-aggregator.db-wal "$RUN_DIR"/oracle-aggregator.db-shm \
           "$RUN_DIR"/oracle-api-key; do
    [ -e "$f" ] || continue
    case $(basename "$f") in
      peerlend.db*) target=$RUN_DIR/db/$id.db${f##*peerlend.db} ;;
      oracle-aggregator.db*) target=$RUN_DIR/oracle/$id/aggregator.db${f##*oracle-aggregator.db} ;;
      oracle-api-key) target=$RUN_DIR/oracle/$id/api-key ;;
    esac
    if [ -e "$target" ]; then say "kept $f where it is: $target exists"; continue; fi
    mv "$f" "$target"
  done
  say "moved the local state of deployment $id into .run/db/$id.db and .run/oracle/$id/"
}

say "starting anvil on $RPC_URL"
start_service anvil "$CHAIN_PORT" "$(anvil_bin)" --host 127.0.0.1 --port "$CHAIN_PORT" \
  --accounts 20 --gas-limit 30000000
wait_rpc anvil "$RPC_URL"

# A local SMTP sink: every message the notification senders mail lands in .run/mail/ as an .eml file.
say "starting the mail sink on 127.0.0.1:$MAIL_PORT (messages in $RUN_DIR/mail/)"
start_service mail-sink "$MAIL_PORT" .venv/bin/python -m demo.mail_sink --dir "$RUN_DIR/mail" --port "$MAIL_PORT"

adopt_unkeyed_state

if [ -f "$MANIFEST" ] && [ "${PEERLEND_REDEPLOY:-0}" != 1 ] && python3 toolchain/manifest_live.py \
    --manifest "$MANIFEST" --rpc-url "$RPC_URL" 2>/dev/null; then
  say "system already deployed on this chain ($MANIFEST)"
else
  # A new deployment: it gets new files. Nothing of the previous one is deleted.
  if [ -f "$MANIFEST" ]; then
    archive_manifest "$MANIFEST"
    say "the deployment in $MANIFEST is not on this chain; its data stays in .run/db/$(deployment_of "$MANIFEST").db"
  fi
  say "compiling and deploying"
  run_logged compile ./toolchain/compile.sh || die "compile failed; see $LOG_DIR/compile.log"
  run_logged deploy .tools/brownie/bin/python toolchain/deploy_to_rpc.py --rpc-url "$RPC_URL" \
    --manifest-dir "$MANIFEST_DIR" || die "deploy failed; last lines of $LOG_DIR/deploy.log:
$(tail -n 30 "$LOG_DIR/deploy.log")"
fi

DEPLOYMENT=$(deployment_of "$MANIFEST")
archive_manifest "$MANIFEST"
ORACLE_DIR=$RUN_DIR/oracle/$DEPLOYMENT
mkdir -p "$RUN_DIR/db" "$ORACLE_DIR"
if [ -n "${PEERLEND_DATABASE_URL:-}${DATABASE_URL:-}" ]; then
  say "using the database you configured (PEERLEND_DATABASE_URL / DATABASE_URL), not one per deployment"
else
  export PEERLEND_DATABASE_URL=sqlite:///$RUN_DIR/db/$DEPLOYMENT.db
fi
echo "$DEPLOYMENT" >"$RUN_DIR/deployment"

# Whatever runs for another deployment holds its database and stores open: restart it on these.
for name in "${BOUND[@]}"; do stop_if_rebound "$name"; done

# The web portal, built before the API starts so that it serves it under /app (backend/web_app.py).
say "building the web portal (skipped while web/ and the ABIs are unchanged)"
run_logged web ./web/build.sh || die "web portal build failed; see $LOG_DIR/web.log"
# Sign-in messages may name either host the portal is opened on.
export PEERLEND_SIWE_DOMAINS=${PEERLEND_SIWE_DOMAINS:-"[\"localhost:$API_PORT\", \"127.0.0.1:$API_PORT\"]"}

# The local compliance officer's key (anvil account 2, COMPLIANCE_ROLE): AML freezes through the API and
# the AML worker. A well-known key, for development only.
export PEERLEND_KYC_COMPLIANCE_PRIVATE_KEY=${PEERLEND_KYC_COMPLIANCE_PRIVATE_KEY:-$(.venv/bin/python scripts/deployment/local_accounts.py 2)}
# The local disclosure key (anvil account 20, DisclosureRegistry's PUBLISHER_ROLE, given gas money by the
# deploy): anchors each month's disclosure and signs regulator exports. Development only.
export PEERLEND_DISCLOSURE_PRIVATE_KEY=${PEERLEND_DISCLOSURE_PRIVATE_KEY:-$(.venv/bin/python scripts/deployment/local_accounts.py 20)}

say "starting the API on $API_URL (deployment $DEPLOYMENT)"
start_service api "$API_PORT" .venv/bin/python -m backend.main
wait_http api "$API_URL/readyz"

say "starting the indexer"
start_service indexer "" .venv/bin/python -m backend.chain.indexer

# AML: sanctions re-screening after a list upload, freezes the chain refused, alerts a reorg orphaned.
say "starting the AML worker"
start_service aml-worker "" .venv/bin/python -m backend.aml.worker

# Disclosure: each month's snapshot stored and its hash anchored once the chain's clock passes its end.
say "starting the disclosure worker"
start_service disclosure "" .venv/bin/python -m backend.disclosure.worker

# The oracle nodes poll the service with an operator key of their own (role `oracle`), one per
# deployment: the key lives in that deployment's database.
if [ ! -s "$ORACLE_DIR/api-key" ]; then
  key=$(.venv/bin/peerlend apikey create --name local-oracle --roles oracle | awk '/^key:/{print $2}')
  [ -n "$key" ] || die "could not create the oracle's API key (peerlend apikey create)"
  (umask 077 && echo "$key" >"$ORACLE_DIR/api-key")
fi
export PEERLEND_ORACLE_ENV=development
export PEERLEND_ORACLE_RPC_URL=$RPC_URL
export PEERLEND_ORACLE_MANIFEST_PATH=$MANIFEST
export PEERLEND_ORACLE_SERVICE_URL=$API_URL
export PEERLEND_ORACLE_API_KEY=$(cat "$ORACLE_DIR/api-key")
export PEERLEND_ORACLE_STORE_PATH=$ORACLE_DIR/aggregator.db
export PEERLEND_ORACLE_NODE_BASE_PORT=$NODE_BASE_PORT
export PEERLEND_ORACLE_METRICS_PORT=$METRICS_PORT

# For a shell of your own on this deployment: `source .run/env`, then e.g. `.venv/bin/peerlend ...`.
cat >"$RUN_DIR/env" <<EOF
# Written by make up for deployment $DEPLOYMENT.
export PEERLEND_ENV=development PEERLEND_RPC_URL=$RPC_URL PEERLEND_MANIFEST_PATH=$MANIFEST
export PEERLEND_DATABASE_URL=${PEERLEND_DATABASE_URL:-${DATABASE_URL:-}}
export PEERLEND_ORACLE_STORE_PATH=$ORACLE_DIR/aggregator.db PEERLEND_ORACLE_MANIFEST_PATH=$MANIFEST
EOF

# Local signer keys are anvil accounts 3..5 and the submitter account 6; the oracle settings refuse
# these well-known keys outside development.
anvil_key() { .venv/bin/python scripts/deployment/local_accounts.py "$1"; }
for i in 1 2 3; do
  say "starting oracle signer node $i"
  PEERLEND_ORACLE_PRIVATE_KEY=$(anvil_key $((i + 2))) PEERLEND_ORACLE_NODE_STORE_PATH=$ORACLE_DIR/node-$i.db \
    start_service "oracle-node-$i" $((NODE_BASE_PORT + i - 1)) .venv/bin/python -m oracle.node --index "$i"
done
for i in 1 2 3; do wait_http "oracle-node-$i" "http://127.0.0.1:$((NODE_BASE_PORT + i - 1))/healthz"; done
say "starting the oracle aggregator (threshold 2 of 3)"
PEERLEND_ORACLE_SUBMITTER_PRIVATE_KEY=$(anvil_key 6) \
  start_service aggregator "$METRICS_PORT" .venv/bin/python -m oracle.aggregator

# The auto-invest keeper allocates each new listing to matching mandates (anvil account 19 pays its gas).
# Its cursor is per deployment; the contract itself refuses to fund a loan twice from one lender.
say "starting the auto-invest keeper"
mkdir -p "$RUN_DIR/keeper"
PEERLEND_KEEPER_PRIVATE_KEY=$(anvil_key 19) PEERLEND_KEEPER_STATE_PATH=$RUN_DIR/keeper/$DEPLOYMENT.json \
  start_service keeper "" .venv/bin/python -m backend.market.keeper

# Notices: the sender of lender notices and other unguarded ones, and the reminder scheduler, which
# sends its own reminders (it checks each against the index at send time).
say "starting the notification sender and the reminder scheduler"
start_service notifications "" .venv/bin/python -m backend.notifications.worker
start_service servicing "" .venv/bin/python -m backend.servicing.worker
# Collections: a case per late loan, tiered by days past due on the chain's clock; it sends its tier
# notices itself (it checks each against its case at send time).
say "starting the collections worker"
start_service collections "" .venv/bin/python -m backend.collections.worker

earlier=$(find "$RUN_DIR/db" -maxdepth 1 -name '*.db' ! -name "$DEPLOYMENT.db" -printf '%f ' 2>/dev/null || true)
say "deployed contracts (the whole manifest, with roles, parameters and the errors ABI: $MANIFEST):"
python3 -c "import json;[print(f'  {k:<22} {v[\"address\"]}') for k,v in json.load(open('$MANIFEST'))['contracts'].items()]"
cat <<EOM

PeerLend is running (deployment $DEPLOYMENT).
  chain (anvil)    $RPC_URL   chain id 31337
  web portal       http://localhost:$API_PORT/app/   (any EIP-1193 wallet on chain 31337, e.g. MetaMask)
  API              $API_URL/v2
  API docs         $API_URL/docs
  health / metrics $API_URL/healthz  $API_URL/metrics
  operator key     $PEERLEND_BOOTSTRAP_ADMIN_KEY   (header X-API-Key, role admin; local only)
  AML worker       sanctions re-screening, freeze retries (python -m backend.aml.worker)
  disclosure       monthly snapshots anchored on-chain (python -m backend.disclosure.worker); $API_URL/v2/disclosure/platform
  notifications    email and webhook delivery (python -m backend.notifications.worker)
  servicing        repayment reminders T-7, T-3, T-1, T-0 on the chain's clock (python -m backend.servicing.worker)
  collections      cases by tier of days past due, notices, promises (python -m backend.collections.worker); $API_URL/v2/admin/collections/cases
  mail sink        smtp://127.0.0.1:$MAIL_PORT -> $RUN_DIR/mail/   (every notification email, as .eml)
  keeper           auto-invest allocations (AutoInvest $(python3 -c "import json;print(json.load(open('$MANIFEST'))['contracts']['AutoInvest']['address'])"))
  oracle nodes     http://127.0.0.1:$NODE_BASE_PORT .. $((NODE_BASE_PORT + 2)) (2 of 3 sign), aggregator metrics :$METRICS_PORT/metrics
  database         ${PEERLEND_DATABASE_URL:-$DATABASE_URL}
  oracle state     $ORACLE_DIR/
  earlier data     ${earlier:-none}(kept; \`make reset\` removes local state on purpose)
  logs             $LOG_DIR/   (appended, rotated at ${PEERLEND_LOG_MAX_BYTES:-20971520} bytes)
  your shell       source $RUN_DIR/env   (the CLI on this deployment's database)
Demo accounts (anvil's default mnemonic "test test test test test test test test test test test junk"):
$(python3 -c "import json;m=json.load(open('$MANIFEST'))['accounts'];[print(f'  {k:<14} {v}') for k,v in m.items() if k!='users'];print('  users          ' + ', '.join(m.get('users', [])[:4]) + ', ...')")
Stop everything with: make down
EOM
