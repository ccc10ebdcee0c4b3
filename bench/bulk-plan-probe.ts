/**
 * Plans one CSV in a fresh Node process (bundled with vite, run with --expose-gc) over a prepared data
 * folder whose identity, instance and lookups are cached, against a running Sandbox, as `bulk plan`
 * does; prints its times and memory as JSON. argv: data folder, CSV file. The AWS config comes from
 * the environment (AWS_CONFIG_FILE), as the CLI's does.
 */
import { basename } from 'node:path'
import { openFileDocumentStore } from '../src/main/cli/file-store'
import { createServices } from '../src/main/composition'
import { readText } from '../src/main/services/files'
import { memorySettings } from '../src/main/services/settings-service'
import { parseBulkCsv } from '../src/shared/bulk/csv'
import { planBatch } from '../src/shared/bulk/plan'
import { accounts, contextOf } from './bulk-world'

const [folder = '.', file = ''] = process.argv.slice(2)
const gc = (globalThis as { gc?: () => void }).gc ?? ((): void => {})
const mib = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10

const services = createServices({
  name: 'bench',
  version: '0',
  userDataPath: folder,
  settings: memorySettings(),
  openStore: openFileDocumentStore,
  notices: [],
  emit: () => {},
  env: process.env
})
const context = contextOf(accounts.alpha)
gc()
const before = process.memoryUsage()
const started = performance.now()
const text = readText(file)
const plan = await services.bulk.plan({ context, text, fileName: basename(file) })
const planMs = performance.now() - started
const peakRssKiB = process.resourceUsage().maxRSS
gc()
const after = process.memoryUsage()

// Where the time goes: each part again, warm (the first pass compiled the code).
const timed = async <T>(run: () => T | Promise<T>): Promise<[T, number]> => {
  const t = performance.now()
  const value = await run()
  return [value, performance.now() - t]
}
const [parsed, parseMs] = await timed(() => parseBulkCsv(readText(file)))
const [existing, listMs] = await timed(() => services.gateway.listUsers(context))
const lookups = services.lookups.cached(context, plan.target.accountId)
if (!lookups) throw new Error('the lookups are not cached in the prepared folder')
const [, checkMs] = await timed(() =>
  planBatch({
    parsed,
    fileName: basename(file),
    target: plan.target,
    templates: () => undefined,
    lookups,
    existing
  })
)

process.stdout.write(
  JSON.stringify({
    planMs,
    parseMs,
    listMs,
    checkMs,
    rows: parsed.rows.length,
    counts: plan.counts,
    problems: plan.problems.length,
    existingUsers: existing.size,
    bytes: Buffer.byteLength(text),
    peakRssMiB: mib(peakRssKiB * 1024),
    rssBeforeMiB: mib(before.rss),
    heapBeforeMiB: mib(before.heapUsed),
    heapAfterMiB: mib(after.heapUsed),
    heapDeltaMiB: mib(after.heapUsed - before.heapUsed)
  })
)
process.exit(0)
