#!/usr/bin/env bash
# `make reset`: removes PeerLend's local state on purpose. That is every deployment's service database
# (KYC applications, questionnaires, loan applications, the audit log: personal data and records that
# exist nowhere else), the oracle stores and keys, and the copies of local manifests under .run/.
# Logs stay. It stops the local platform first (nothing may hold the files), so the next `make up`
# starts a new chain and deployment.
#
# It asks on a terminal; anywhere else it needs PEERLEND_CONFIRM_RESET=yes, and refuses without it.
set -euo pipefail
cd "$(dirname "$0")/.."
source toolchain/lib.sh

targets=()
for path in "$RUN_DIR/db" "$RUN_DIR/oracle" "$RUN_DIR/keeper" "$RUN_DIR/deployments" "$RUN_DIR/deployment" "$RUN_DIR/env" \
            "$RUN_DIR"/peerlend.db* "$RUN_DIR"/oracle-aggregator.db* "$RUN_DIR/oracle-api-key"; do
  [ -e "$path" ] && targets+=("$path")
done
if [ ${#targets[@]} -eq 0 ]; then say "no local state to remove in $RUN_DIR"; exit 0; fi

databases=$(find "${targets[@]}" -name '*.db' 2>/dev/null | wc -l)
say "make reset removes $databases database file(s) and everything else below, for good:"
du -sh "${targets[@]}" 2>/dev/null | sed 's/^/    /'
if [ "${PEERLEND_CONFIRM_RESET:-}" = yes ]; then
  say "confirmed by PEERLEND_CONFIRM_RESET=yes"
elif [ -t 0 ]; then
  read -r -p "Type 'reset' to delete them: " answer
  [ "$answer" = reset ] || die "nothing removed"
else
  die "nothing removed: confirm on a terminal, or set PEERLEND_CONFIRM_RESET=yes"
fi

./toolchain/down.sh
rm -rf -- "${targets[@]}"
say "local state removed (logs kept in $LOG_DIR); the next make up deploys a new system"
