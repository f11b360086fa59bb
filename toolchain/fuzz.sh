#!/usr/bin/env bash
# Long fuzzing, kept out of `make test`: every stateful contract suite at PEERLEND_FUZZ_EXAMPLES fresh
# random examples (default 500) instead of the fixed sequences `make test` runs, then schemathesis over
# every API operation (unauthenticated, operator key, wallet token) at as many fresh examples per
# operation and data mode (tests/backend/schema). Each suite's time and outcome go to reports/fuzz.json;
# the exit status is non-zero if any suite failed.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
export PEERLEND_FUZZ_EXAMPLES=${PEERLEND_FUZZ_EXAMPLES:-500}
SUITES=(
  tests/contracts/system/test_system_invariants.py
  tests/contracts/collateral/test_stateful.py
  tests/contracts/identity/test_identity_state.py
  tests/contracts/oracle/test_oracle_state.py
  tests/contracts/market/test_auto_invest_invariants.py
)
mkdir -p reports
./toolchain/compile.sh >/dev/null || exit 1
results=()
status=0
for suite in "${SUITES[@]}"; do
  echo "== $suite ($PEERLEND_FUZZ_EXAMPLES examples)"
  start=$(date +%s)
  .tools/brownie/bin/brownie test "$suite" --network "${TEST_NETWORK:-peerlend-test}" -p no:warnings
  rc=$?
  seconds=$(( $(date +%s) - start ))
  [ "$rc" -eq 0 ] && outcome=passed || { outcome=failed; status=1; }
  echo "== $suite: $outcome in ${seconds}s"
  results+=("{\"suite\": \"$suite\", \"examples\": $PEERLEND_FUZZ_EXAMPLES, \"outcome\": \"$outcome\", \"seconds\": $seconds}")
done
API_SUITE=tests/backend/schema/test_schemathesis.py
echo "== $API_SUITE ($PEERLEND_FUZZ_EXAMPLES examples per operation and data mode)"
start=$(date +%s)
.venv/bin/python -m pytest -q -p no:warnings -o timeout=0 "$API_SUITE"
rc=$?
seconds=$(( $(date +%s) - start ))
[ "$rc" -eq 0 ] && outcome=passed || { outcome=failed; status=1; }
echo "== $API_SUITE: $outcome in ${seconds}s"
results+=("{\"suite\": \"$API_SUITE\", \"examples\": $PEERLEND_FUZZ_EXAMPLES, \"outcome\": \"$outcome\", \"seconds\": $seconds}")
(IFS=,; echo "[${results[*]}]") > reports/fuzz.json
exit $status
