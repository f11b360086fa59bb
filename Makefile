# PeerLend: `make up` runs the platform locally, `make test` runs every test. Both install what is missing.
SHELL := /bin/bash
export PATH := $(CURDIR)/node_modules/.bin:$(PATH)
BROWNIE := $(CURDIR)/.tools/brownie/bin/brownie
PY := $(CURDIR)/.venv/bin/python
TEST_NETWORK ?= peerlend-test

.PHONY: bootstrap compile up down demo test fuzz test-contracts test-service test-e2e bench lint clean

bootstrap:
	@./toolchain/bootstrap.sh

compile: bootstrap
	@$(BROWNIE) compile

up: bootstrap
	@./toolchain/up.sh

down:
	@./toolchain/down.sh

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

bench: bootstrap
	@./toolchain/bench.sh

lint: bootstrap
	@.venv/bin/ruff check backend oracle tests/backend tests/oracle tests/e2e scripts

clean:
	rm -rf build reports .run
