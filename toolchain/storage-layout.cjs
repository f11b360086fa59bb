#!/usr/bin/env node
// Prints the compiled storage layout of each named contract as JSON: {"Name": [{label, slot, offset, type}]}.
//   node toolchain/storage-layout.cjs contracts/lending/LoanMarket.sol:LoanMarket ...
// Asks solc for the layout only (no bytecode), so it takes seconds where a full compile takes minutes.
// The contract tests use it to prove that the parts of the split loan market agree on every slot.
'use strict';
const fs = require('fs');
const path = require('path');
const solc = require('solc');

const root = path.resolve(__dirname, '..');
const targets = process.argv.slice(2).map((arg) => {
  const [file, name] = arg.split(':');
  return { file, name };
});
const sources = {};
for (const { file } of targets) sources[file] = { content: fs.readFileSync(path.join(root, file), 'utf8') };
const input = {
  language: 'Solidity',
  sources,
  settings: {
    remappings: ['@openzeppelin=node_modules/@openzeppelin'],
    outputSelection: { '*': { '*': ['storageLayout'] } },
  },
};
function findImport(p) {
  for (const candidate of [path.join(root, p), path.join(root, 'node_modules', p)]) {
    if (fs.existsSync(candidate)) return { contents: fs.readFileSync(candidate, 'utf8') };
  }
  return { error: `File not found: ${p}` };
}
const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImport }));
const errors = (output.errors || []).filter((e) => e.severity === 'error');
if (errors.length) {
  process.stderr.write(errors.map((e) => e.formattedMessage).join('\n'));
  process.exit(1);
}
const result = {};
for (const { file, name } of targets) {
  const layout = output.contracts[file][name].storageLayout;
  result[name] = layout.storage.map(({ label, slot, offset, type }) => ({ label, slot, offset, type }));
}
process.stdout.write(JSON.stringify(result, null, 2) + '\n');
