#!/usr/bin/env node
/**
 * `npm run audit:electron`: Doyensec's electronegativity (the pinned devDependency) over src/, for
 * Electron 45.5.0. Every finding must be listed, with its file and a reason, in the table of the
 * README's "Security model" section; any other finding, or a file it could not parse, fails the run.
 *
 * Run through its API rather than its CLI: its CLI needs a commander 2 it does not declare (ours is
 * 14), and nothing is fetched: its translations download is answered offline, and the check that asks
 * the internet for newer Electron releases (AvailableSecurityFixesGlobalCheck) is left out.
 */
import { readFileSync } from 'node:fs'
import { Module, createRequire } from 'node:module'
import { relative, resolve } from 'node:path'

const root = resolve(import.meta.dirname, '..')
const electronVersion = '45.5.0'
const require = createRequire(import.meta.url)

// electronegativity fetches translations with `got` at start-up; answer it here, offline.
const runnerPath = require.resolve('@doyensec/electronegativity/dist/runner.js')
const gotPath = createRequire(runnerPath).resolve('got')
const offlineGot = Object.assign(() => Promise.reject(new Error('offline')), { default: undefined })
offlineGot.default = offlineGot
const stub = new Module(gotPath)
Object.assign(stub, { filename: gotPath, loaded: true, exports: offlineGot })
require.cache[gotPath] = stub
const log = console.log
console.log = (...args) => {
  if (!String(args[0]).startsWith('Could not retrieve updated translations')) log(...args)
}
const run = require(runnerPath)

/** The README's table: `| FINDING_ID | \`src/file\` | reason |` rows of the "Security model" section. */
function acceptedFindings() {
  const readme = readFileSync(resolve(root, 'README.md'), 'utf8')
  const start = readme.indexOf('\n## Security model')
  if (start < 0) throw new Error('README.md has no "## Security model" section')
  const end = readme.indexOf('\n## ', start + 1)
  const accepted = new Map()
  for (const line of readme.slice(start, end < 0 ? undefined : end).split('\n')) {
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim())
    if (cells.length < 3 || !/^`?[A-Z0-9_]+`?$/.test(cells[0])) continue
    const [id, file, reason] = cells.map((cell) => cell.replaceAll('`', ''))
    if (!reason) throw new Error(`README: the ${id} row for ${file} gives no reason`)
    accepted.set(`${id} ${file}`, reason)
  }
  return accepted
}

const accepted = acceptedFindings()
const result = await run(
  {
    input: resolve(root, 'src'),
    customScan: [],
    excludeFromScan: ['AvailableSecurityFixesGlobalCheck'],
    electronVersionOverride: electronVersion,
    isRelative: false,
    parserPlugins: []
  },
  false
)
console.log = log

const unreadable = result.errors.filter((error) => !error.tolerable)
const findings = result.issues.map((issue) => {
  const file = relative(root, issue.file)
  return {
    key: `${issue.id} ${file}`,
    text: `${issue.id} (${issue.severity.name.toLowerCase()}, ${issue.confidence.name.toLowerCase()}) ${file}:${issue.location.line} — ${issue.description}`
  }
})
console.log(
  `electronegativity ${require('@doyensec/electronegativity/package.json').version}, Electron ${electronVersion}: ` +
    `${result.globalChecks + result.atomicChecks} checks over src/`
)
for (const finding of findings) {
  console.log(`  ${accepted.has(finding.key) ? 'listed  ' : 'UNLISTED'}  ${finding.text}`)
}
for (const key of accepted.keys()) {
  if (!findings.some((finding) => finding.key === key)) {
    console.log(`  note: README lists ${key}, which is no longer reported; remove its row`)
  }
}
for (const error of unreadable)
  console.log(`  COULD NOT PARSE  ${relative(root, error.file)}: ${error.message}`)
const unlisted = findings.filter((finding) => !accepted.has(finding.key))
console.log(
  `electronegativity: ${findings.length} findings, ${findings.length - unlisted.length} listed in README, ` +
    `${unlisted.length} unlisted, ${unreadable.length} files unparsed`
)
if (unlisted.length > 0 || unreadable.length > 0) {
  console.log('Fix them, or add each to the table in README.md "Security model" with the reason it is safe.')
  process.exitCode = 1
}
