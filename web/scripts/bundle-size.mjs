// Prints the gzipped size of the JavaScript the home page loads first (the entry chunk and every chunk it
// imports statically, followed through dist/.vite/manifest.json) and fails above the budget. Pages other
// than home are split into chunks of their own, loaded when first visited, so they are not counted.
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'

const BUDGET_BYTES = 300_000 // gzipped JavaScript of the home page's first load
const dist = resolve(dirname(fileURLToPath(import.meta.url)), '../dist')

function homeChunks(manifest) {
  const seen = new Set()
  const visit = (key) => {
    if (seen.has(key)) return
    const chunk = manifest[key]
    if (!chunk) throw new Error(`bundle-size: ${key} is not in the build manifest`)
    seen.add(key)
    for (const imported of chunk.imports ?? []) visit(imported)
  }
  visit('index.html')
  return [...seen].map((key) => manifest[key].file).filter((file) => file.endsWith('.js'))
}

function gzippedSize(file) {
  return gzipSync(readFileSync(resolve(dist, file))).length
}

const manifest = JSON.parse(readFileSync(resolve(dist, '.vite/manifest.json'), 'utf8'))
const files = homeChunks(manifest)
let total = 0
for (const file of files) {
  const size = gzippedSize(file)
  total += size
  console.log(`  ${(size / 1000).toFixed(1).padStart(7)} kB  ${file}`)
}
const verdict = total <= BUDGET_BYTES ? 'within' : 'OVER'
console.log(
  `home page first load: ${(total / 1000).toFixed(1)} kB of gzipped JavaScript in ${files.length} chunks, ` +
    `${verdict} the ${BUDGET_BYTES / 1000} kB budget`,
)
if (total > BUDGET_BYTES) process.exit(1)
