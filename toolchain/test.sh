#!/usr/bin/env bash
# Every test. Three runs side by side on two cores: the contract suites in two halves (Brownie, each on
# its own throwaway anvil) and the service, oracle and end-to-end suites (pytest in the service
# environment; they start their own anvils, deployment and database). The contract runs spend most of
# their time waiting on their chain, so the three share the cores well. The HTTP suite runs once more on
# PostgreSQL in the first contract run's place as soon as that run ends, so no core idles while the
# service suite finishes. Output is shown when everything has finished.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
start=$(date +%s)
mkdir -p reports

./toolchain/compile.sh >/dev/null || exit 1

contract_run() {  # name, network, paths...
  local name=$1 network=$2
  shift 2
  .tools/brownie/bin/brownie test "$@" --network "$network" -p no:warnings >"reports/$name.log" 2>&1
  echo $? >"reports/$name.rc"
}

echo "== contracts (tests/contracts, two runs in the background); service, oracle, end-to-end (pytest) here"
# The HTTP suite again with every test server on PostgreSQL (tests/support/postgres.py starts one from
# the pgserver wheel, in a directory of its own), as production runs it; tests/backend/postgres runs on
# it in the service suite already.
postgres_run() {
  PEERLEND_TEST_DATABASE=postgresql .venv/bin/python -m pytest -q -p no:cacheprovider tests/backend \
    --ignore tests/backend/postgres >reports/postgres.log 2>&1
  echo $? >reports/postgres.rc
}

rm -f reports/*.rc
(contract_run contracts-market peerlend-test tests/contracts/market; postgres_run) &
market=$!
contract_run contracts-rest peerlend-test-b tests/contracts --ignore tests/contracts/market &
rest=$!
trap 'kill "$market" "$rest" 2>/dev/null' INT TERM

.venv/bin/python -m pytest -q
service_rc=$?
# Any non-zero exit fails the suite, pytest's 5 ("no tests collected") included: a run that collected
# nothing proves nothing.


wait "$market" "$rest"
failed=0
for name in contracts-market contracts-rest postgres; do
  rc=$(cat "reports/$name.rc" 2>/dev/null || echo 1)
  echo "== $name (exit $rc)"
  cat "reports/$name.log"
  [ "$rc" -eq 0 ] || failed=1
done

if [ "$service_rc" -ne 0 ] || [ "$failed" -ne 0 ]; then
  echo "== FAILED: service/oracle/e2e exit $service_rc; contract and PostgreSQL runs above ($(( $(date +%s) - start ))s)"
  exit 1
fi
echo "== all tests passed in $(( $(date +%s) - start ))s"
