#!/usr/bin/env bash
# Installs what is missing and skips what is already done: npm toolchain (solc, anvil, OpenZeppelin),
# the solc shim where py-solc-x looks for compilers, Brownie in its own environment, the service
# environment from uv.lock, and the web portal's packages with the browser its tests drive. Every step
# is keyed on a stamp holding the hash of its inputs.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TOOLS=$ROOT/.tools
STAMPS=$TOOLS/stamps
mkdir -p "$STAMPS"

say() { printf '\033[1m[bootstrap]\033[0m %s\n' "$*"; }
die() { printf '\033[31m[bootstrap] error:\033[0m %s\n' "$*" >&2; exit 1; }
hash_of() { cat "$@" 2>/dev/null | sha256sum | cut -c1-16; }
stamp_ok() { [ -f "$STAMPS/$1" ] && [ "$(cat "$STAMPS/$1")" = "$2" ]; }
stamp_set() { echo "$2" > "$STAMPS/$1"; }

command -v node >/dev/null || die "node is required (Node.js 18+)"
command -v npm >/dev/null || die "npm is required"
PYTHON=${PYTHON:-python3.11}
command -v "$PYTHON" >/dev/null || PYTHON=python3
"$PYTHON" -c 'import sys; assert sys.version_info[:2] == (3, 11)' 2>/dev/null \
  || die "Python 3.11 is required ($PYTHON is $("$PYTHON" --version 2>&1))"

# 1. npm toolchain
npm_hash=$(hash_of package.json package-lock.json)
if ! stamp_ok npm "$npm_hash" || [ ! -d node_modules/solc ]; then
  say "installing npm toolchain (solc, anvil, OpenZeppelin)"
  npm ci --no-audit --no-fund --loglevel=error
  stamp_set npm "$npm_hash"
fi
node_modules/.bin/anvil --version >/dev/null 2>&1 || die "anvil from @foundry-rs/anvil does not run"

# 2. solc shim, linked where py-solc-x finds installed compilers (so nothing is downloaded)
SOLC_VERSION=$(node -p "require('solc/package.json').version")
mkdir -p "$HOME/.solcx"
ln -sfn "$ROOT/toolchain/solc-shim.cjs" "$HOME/.solcx/solc-v$SOLC_VERSION"
grep -q "version: $SOLC_VERSION" brownie-config.yaml \
  || die "brownie-config.yaml compiler version differs from npm solc $SOLC_VERSION"

# 3. Brownie in its own environment (it pins ~80 exact dependencies)
brownie_hash=$(hash_of toolchain/brownie-requirements.txt)
if ! stamp_ok brownie "$brownie_hash" || [ ! -x "$TOOLS/brownie/bin/brownie" ]; then
  say "installing Brownie into .tools/brownie"
  "$PYTHON" -m venv "$TOOLS/brownie"
  "$TOOLS/brownie/bin/pip" install --quiet --disable-pip-version-check -r toolchain/brownie-requirements.txt
  stamp_set brownie "$brownie_hash"
fi
"$TOOLS/brownie/bin/python" toolchain/brownie_networks.py

# 4. Service environment (backend/, oracle/) from the lock file
if ! command -v uv >/dev/null 2>&1; then
  if [ ! -x "$TOOLS/uv/bin/uv" ]; then
    say "installing uv into .tools/uv"
    "$PYTHON" -m venv "$TOOLS/uv"
    "$TOOLS/uv/bin/pip" install --quiet --disable-pip-version-check 'uv>=0.5'
  fi
  UV=$TOOLS/uv/bin/uv
else
  UV=$(command -v uv)
fi
service_hash=$(hash_of pyproject.toml uv.lock)
if ! stamp_ok service "$service_hash" || [ ! -x .venv/bin/python ]; then
  say "syncing service environment (.venv) from uv.lock"
  UV_PYTHON=$PYTHON "$UV" sync --frozen --all-extras --quiet
  stamp_set service "$service_hash"
fi
# 5. The web portal's packages (web/package-lock.json), and Debian's chromium its browser tests drive
# (Playwright's own browser download is not reachable).
./web/build.sh install
if [ ! -x /usr/bin/chromium ] && [ -z "${PEERLEND_CHROMIUM:-}" ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing chromium (Debian) for the web portal's browser tests"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null \
      || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
      || die "apt-get install chromium failed"
  else
    say "warning: /usr/bin/chromium is missing (install Debian's chromium, or set PEERLEND_CHROMIUM): the web tests need it"
  fi
fi
say "toolchain ready (solc $SOLC_VERSION, $(node_modules/.bin/anvil --version | head -1), brownie $("$TOOLS/brownie/bin/pip" show eth-brownie 2>/dev/null | awk '/^Version/{print $2}'))"
