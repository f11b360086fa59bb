#!/usr/bin/env bash
# Every test. Three runs side by side on two cores: the contract suites in two halves (Brownie, each on
# its own throwaway anvil) and the service, oracle and end-to-end suites (pytest in the service
# environment; they start their own anvils, deployment and database), then the HTTP suite once more on
# PostgreSQL. The contract runs spend most of
# their time waiting on their chain, so the three share the cores well. Their output is shown when
# they finish.
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
contract_run contracts-market peerlend-test tests/contracts/market &
market=$!
contract_run contracts-rest peerlend-test-b tests/contracts --ignore tests/contracts/market &
rest=$!
trap 'kill "$market" "$rest" 2>/dev/null' INT TERM

.venv/bin/python -m pytest -q
service_rc=$?
# Any non-zero exit fails the suite, pytest's 5 ("no tests collected") included: a run that collected
# nothing proves nothing.

# The HTTP suite again with every test server on PostgreSQL (tests/support/postgres.py starts one from
# the pgserver wheel), as production runs it; tests/backend/postgres ran on it above already.
echo "== the HTTP suite (tests/backend) again on PostgreSQL"
PEERLEND_TEST_DATABASE=postgresql .venv/bin/python -m pytest -q -p no:cacheprovider tests/backend \
  --ignore tests/backend/postgres
postgres_rc=$?
[ "$service_rc" -eq 0 ] && service_rc=$postgres_rc

wait "$market" "$rest"
failed=0
for name in contracts-market contracts-rest; do
  rc=$(cat "reports/$name.rc" 2>/dev/null || echo 1)
  echo "== $name (exit $rc)"
  cat "reports/$name.log"
  [ "$rc" -eq 0 ] || failed=1
done

if [ "$service_rc" -ne 0 ] || [ "$failed" -ne 0 ]; then
  echo "== FAILED: service/oracle/e2e exit $service_rc; contract runs above ($(( $(date +%s) - start ))s)"
  exit 1
fi
echo "== all tests passed in $(( $(date +%s) - start ))s"
