#!/usr/bin/env bash
# Compiles the contracts (cached by Brownie: only changed sources are recompiled), then loads the
# project once. `brownie compile` also writes artifacts of library files no contract links
# (OpenZeppelin's TransientSlot, StorageSlot, ...), and every project load deletes them again. Loading
# once here, before anything runs in parallel, keeps two Brownie processes from racing to delete the
# same file (one of them then fails with FileNotFoundError and cannot load the project).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/node_modules/.bin:$PATH"
.tools/brownie/bin/brownie compile "$@"
.tools/brownie/bin/python -c 'from brownie import project; project.load(".")' >/dev/null
