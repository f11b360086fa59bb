#!/usr/bin/env bash
# Builds the web portal into web/dist, which the API serves under /app (backend/web_app.py).
#   web/build.sh install   npm ci from package-lock.json, when the lock changed since the last install
#   web/build.sh           install, then `npm run build` (ABIs from build/contracts, type check, vite
#                          build, the home page's bundle budget) when its inputs changed since the last one
# Each step is keyed on a stamp holding the hash of its inputs, as toolchain/bootstrap.sh does.
set -euo pipefail
cd "$(dirname "$0")"
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 # the tests drive Debian's chromium; no download is reachable

say() { printf '\033[1m[web]\033[0m %s\n' "$*"; }
hash_of() { cat "$@" | sha256sum | cut -c1-16; }

deps_stamp=node_modules/.peerlend-deps
deps_hash=$(hash_of package.json package-lock.json)
if [ ! -f "$deps_stamp" ] || [ "$(cat "$deps_stamp")" != "$deps_hash" ]; then
  say "installing the web portal's packages (npm ci from web/package-lock.json)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$deps_hash" >"$deps_stamp"
fi
[ "${1:-build}" = install ] && exit 0

build_stamp=dist/.peerlend-build
mapfile -t artifacts < <(node scripts/abis.mjs --inputs)
mapfile -t sources < <(find src scripts -type f ! -name '*.generated.ts' | sort)  # generated: the ABIs count
build_hash=$(hash_of "${sources[@]}" index.html vite.config.ts tsconfig.json package-lock.json "${artifacts[@]}")
if [ -f dist/index.html ] && [ -f "$build_stamp" ] && [ "$(cat "$build_stamp")" = "$build_hash" ]; then
  exit 0
fi
say "building the web portal (web/dist)"
npm run --silent build
echo "$build_hash" >"$build_stamp"
