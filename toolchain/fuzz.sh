#!/usr/bin/env bash
# Long fuzzing, kept out of `make test`: every stateful contract suite at PEERLEND_FUZZ_EXAMPLES fresh
# random examples (default 500) instead of the fixed sequences `make test` runs. Each suite's time and
# outcome go to reports/fuzz.json; the exit status is non-zero if any suite failed.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
export PEERLEND_FUZZ_EXAMPLES=${PEERLEND_FUZZ_EXAMPLES:-500}
SUITES=(
  tests/contracts/system/test_system_invariants.py
  tests/contracts/collateral/test_stateful.py
  tests/contracts/identity/test_identity_state.py
  tests/contracts/oracle/test_oracle_state.py
)
mkdir -p reports
.tools/brownie/bin/brownie compile >/dev/null || exit 1
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
(IFS=,; echo "[${results[*]}]") > reports/fuzz.json
exit $status
