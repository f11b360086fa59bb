#!/usr/bin/env bash
# The checks a change must pass besides the tests (`make check`; .ci/run runs it before `make test`):
# Python lint and format (ruff, every Python folder), types (mypy: backend/ and oracle/, strict where
# pyproject.toml says so), the import direction between infrastructure and domains (import-linter),
# Solidity lint (solhint) and format (prettier-plugin-solidity), and the contract size guard. Every
# check runs; the script fails if any of them did, naming each.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
PYTHON_DIRS=(backend oracle demo bench scripts toolchain tests)
failed=()

step() {  # name, command...
  local name=$1
  shift
  printf '\033[1m[check]\033[0m %s\n' "$name"
  "$@" || failed+=("$name")
}

step "ruff check" .venv/bin/ruff check "${PYTHON_DIRS[@]}"
step "ruff format" .venv/bin/ruff format --check --quiet "${PYTHON_DIRS[@]}"
step "mypy" .venv/bin/mypy backend oracle
step "import contracts" .venv/bin/lint-imports --no-cache
step "solhint" solhint --max-warnings 0 'contracts/**/*.sol'
step "prettier (Solidity)" prettier --check --log-level warn 'contracts/**/*.sol'
# The size guard reads the build artifacts: compile first (cached, so usually instant).
step "contract sizes" bash -c './toolchain/compile.sh >/dev/null && .venv/bin/python toolchain/contract_sizes.py'

if [ ${#failed[@]} -gt 0 ]; then
  printf '\033[31m[check] failed:\033[0m %s\n' "${failed[*]}"
  exit 1
fi
printf '\033[1m[check]\033[0m all checks passed\n'
