#!/usr/bin/env node
// Stands in for a native solc binary so py-solc-x and Brownie can compile with the npm `solc`
// package (no native compiler can be downloaded here). It answers the two calls they make:
//   --version             -> "Version: X.Y.Z+commit.H.Linux.g++" (py-solc-x parses this line)
//   --standard-json       -> compile the JSON on stdin, print the whole JSON result
// The solcjs CLI truncates standard-JSON output at 64 KiB on a pipe, so we call solc.compile and
// write the result ourselves, waiting for stdout to drain before exiting.
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require('solc');

const args = process.argv.slice(2);

function versionLine() {
  // solc.version() looks like "0.8.28+commit.7893614a.Emscripten.clang"
  const [semver, commit] = solc.version().split('+');
  const hash = (commit || '').split('.').slice(0, 2).join('.');
  return `solc, the solidity compiler commandline interface\nVersion: ${semver}+${hash}.Linux.g++`;
}

function allowedRoots() {
  const roots = [process.cwd()];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--allow-paths' || args[i] === '--base-path' || args[i] === '--include-path') {
      for (const p of (args[i + 1] || '').split(',')) if (p) roots.push(path.resolve(p));
    }
  }
  return roots;
}

// solcjs has no filesystem access: resolve imports ourselves, from the paths solc would search.
function makeImportResolver() {
  const roots = allowedRoots();
  return (importPath) => {
    const candidates = path.isAbsolute(importPath)
      ? [importPath]
      : roots.flatMap((root) => [path.join(root, importPath), path.join(root, 'node_modules', importPath)]);
    for (const candidate of candidates) {
      if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) {
        return { contents: fs.readFileSync(candidate, 'utf8') };
      }
    }
    return { error: `File not found: ${importPath} (searched ${roots.join(', ')})` };
  };
}

function writeAll(text) {
  // Exit only once the whole result is flushed: a pipe reader must never see a truncated JSON.
  process.stdout.write(text, () => process.exit(0));
}

if (args.includes('--version')) {
  process.stdout.write(versionLine() + '\n');
} else if (args.includes('--standard-json')) {
  const chunks = [];
  process.stdin.on('data', (c) => chunks.push(c));
  process.stdin.on('end', () => {
    const input = Buffer.concat(chunks).toString('utf8');
    writeAll(solc.compile(input, { import: makeImportResolver() }));
  });
} else {
  process.stderr.write(`solc-shim: unsupported arguments: ${args.join(' ')}\n` +
    'Only --version and --standard-json are provided by this shim.\n');
  process.exit(2);
}
