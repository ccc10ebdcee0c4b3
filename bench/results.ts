/** Helpers every benchmark shares: medians, machine facts, and updating its section of bench/RESULTS.md. */
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { join } from 'node:path'

const resultsFile = join(import.meta.dirname, 'RESULTS.md')

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2
}

/** One line describing the machine and the date, for every result section. */
export function machine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU'
  return `${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.versions.node}, ${process.platform}; run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC`
}

/** Replaces (or appends) the section `## title` of bench/RESULTS.md with `body`. */
export function writeSection(title: string, body: string): void {
  const header =
    '# Benchmark results\n\nWritten by `npm run bench`; each section is replaced when its benchmark runs again.\n'
  let text = existsSync(resultsFile) ? readFileSync(resultsFile, 'utf8') : header
  const section = `## ${title}\n\n${body.trim()}\n\n`
  const start = text.indexOf(`## ${title}\n`)
  if (start >= 0) {
    const next = text.indexOf('\n## ', start + 1)
    text = text.slice(0, start) + section + (next >= 0 ? text.slice(next + 1) : '')
  } else {
    text = `${text.trimEnd()}\n\n${section}`
  }
  writeFileSync(resultsFile, `${text.trimEnd()}\n`)
}
