# PeerLend: `make up` runs the platform locally, `make test` runs every test. Both install what is missing.
SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)
BROWNIE := $(CURDIR)/.tools/brownie/bin/brownie
PY := $(CURDIR)/.venv/bin/python
TEST_NETWORK ?= peerlend-test

.PHONY: bootstrap compile up down reset demo test fuzz test-contracts test-service test-e2e bench lint check clean

bootstrap:
	@./toolchain/bootstrap.sh

compile: bootstrap
	@./toolchain/compile.sh

up: bootstrap
	@./toolchain/up.sh

down:
	@./toolchain/down.sh

# Removes every local deployment's database and oracle state, after confirmation (toolchain/reset.sh).
reset:
	@./toolchain/reset.sh

demo: bootstrap
	@./toolchain/demo.sh

test: bootstrap
	@./toolchain/test.sh

fuzz: bootstrap
	@./toolchain/fuzz.sh

test-contracts: bootstrap
	@$(BROWNIE) test tests/contracts --network $(TEST_NETWORK)

test-service: bootstrap compile
	@$(PY) -m pytest tests/backend tests/oracle -q

test-e2e: bootstrap compile
	@$(PY) -m pytest tests/e2e -q

# bench/results.json from toolchain/bench.sh, then 60 s of overload (200 concurrent requests at a mix of
# database-backed endpoints of a real uvicorn process) into reports/overload-60s.json.
bench: bootstrap
	@./toolchain/bench.sh
	@PEERLEND_LOAD_SECONDS=60 $(PY) -m pytest -q -s -p no:warnings tests/backend/load

# The checks a change must pass besides the tests (toolchain/check.sh): ruff lint and format over every
# Python folder, mypy, the import direction between infrastructure and domains ([tool.importlinter] in
# pyproject.toml), solhint and prettier over the contracts, and the contract size guard.
check: bootstrap
	@./toolchain/check.sh

lint: check

# Build output and reports only; local state (personal data, the audit log) goes only through `make reset`.
clean:
	rm -rf build reports
