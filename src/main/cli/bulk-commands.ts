/**
 * `connect-provisioner bulk …`: plan, run, resume, list, show, export and undo batches from a CSV, and
 * print the blank CSV of each form; the same services and journals as the app. Exit codes: 0 every row
 * done, 1 some rows failed, were refused by the plan or were left (a stop or a cancel), 2 usage (also a
 * run or undo not confirmed), 3 the outcome of some row is unknown. Nothing heavy is imported here: the
 * services load inside the actions, so `bulk --help` stays fast.
 */
import { Command, Option } from 'commander'
import { existsSync, statSync } from 'node:fs'
import { basename } from 'node:path'
import type { BatchProgress, BatchResultRow, BatchSummary, BulkPlan } from '../../shared/bulk/types'
import type { Pace } from '../services/aws/pacing'
import type { BatchTaskResult } from '../services/bulk/batch-task'
import type { GeneratedPassword } from '../services/bulk/runner'
import { formatDuration } from '../../shared/text'
import { cliServices, type CliIo } from './cli-host'
import type { Services } from '../composition'
import { clip, decimal, exitCodes, table } from './options'
import { instanceContextOf, profileOf, type TargetFlags } from './targets'

interface PlanFlags extends TargetFlags {
  instance: string
  template?: string
  generatePasswords?: boolean
  json?: boolean
}

interface RunFlags extends PlanFlags {
  rate?: number
  yes?: boolean
  passwordsOut?: string
}

/** The largest CSV read (the plan refuses anything over its own limit, 10 MB, with its message). */
const maxCsvBytes = 64 * 1024 * 1024

const targetOptions = (command: Command): Command =>
  command
    .option(
      '--profile <name>',
      'AWS profile (default: AWS_PROFILE); sandbox:alpha / sandbox:bravo use the local Sandbox'
    )
    .option('--region <region>', 'Region (default: the profile’s)')
    .requiredOption('--instance <id-or-alias>', 'instance ID or alias')

/** `--rate R`: the account's requests per second, for an account whose Connect quota AWS raised. */
function rateOption(): Option {
  return new Option(
    '--rate <requests-per-second>',
    'the account’s API rate, if AWS raised its quota'
  ).argParser(decimal(0.1, 1000))
}

/** True when the CLI runs as the real process at a terminal (not in-process with its own streams). */
function atTerminal(io: CliIo, stream: NodeJS.ReadStream | NodeJS.WriteStream): boolean {
  return io.env === process.env && Boolean(stream.isTTY)
}

/** Reads `file` and plans it against the instance the flags name (one lookup pass; nothing sent). */
async function planFile(
  io: CliIo,
  file: string,
  flags: PlanFlags,
  command: Command
): Promise<{ services: Awaited<ReturnType<typeof cliServices>>; plan: BulkPlan }> {
  const text = await readCsv(file, command)
  const services = await cliServices(io)
  const context = await instanceContextOf(services, flags, command, io.env)
  const plan = await services.bulk.plan({
    context,
    text,
    fileName: basename(file),
    ...(flags.template ? { template: flags.template } : {}),
    ...(flags.generatePasswords ? { generatePasswords: true } : {})
  })
  return { services, plan }
}

async function readCsv(file: string, command: Command): Promise<string> {
  let size = 0
  try {
    size = statSync(file).size
  } catch (error) {
    command.error(
      `error: ${file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'unknown error'}.`,
      {
        exitCode: exitCodes.usage
      }
    )
  }
  if (size > maxCsvBytes)
    command.error(
      `error: ${file} is ${Math.round(size / 1024 / 1024)} MB: a bulk CSV can be at most 10 MB.`,
      {
        exitCode: exitCodes.usage
      }
    )
  const { readText } = await import('../services/files')
  return readText(file)
}

function where(target: BulkPlan['target']): string {
  return `${target.instanceAlias} (${target.accountId}, ${target.region}, ${target.identityType})`
}

/** The plan without passwords, for --json. */
async function planJson(plan: BulkPlan): Promise<Record<string, unknown>> {
  const { maskRequest } = await import('../../shared/create-user')
  return {
    type: 'plan',
    form: plan.form,
    fileName: plan.fileName,
    target: plan.target,
    counts: plan.counts,
    ignoredColumns: plan.ignoredColumns,
    problems: plan.problems,
    rows: plan.rows.map((r) => (r.status === 'create' ? { ...r, request: maskRequest(r.request) } : r))
  }
}

/** Prints the plan: counts, the file's problems, each row's problems, and the rows that exist. */
function printPlan(io: CliIo, plan: BulkPlan): void {
  const { counts } = plan
  io.out(`${plan.fileName} (${plan.form} form) for ${where(plan.target)}, profile ${plan.target.profile}:`)
  io.out(
    `  ${counts.create} to create, ${counts.exists} already exist (skipped), ${counts.error} with errors`
  )
  if (plan.ignoredColumns.length) io.out(`  Ignored columns: ${plan.ignoredColumns.join(', ')}`)
  for (const p of plan.problems) io.out(`  File: ${p.message}`)
  for (const r of plan.rows) {
    if (r.status === 'error')
      for (const p of r.problems)
        io.out(
          `  Row ${p.row}${p.column ? `, ${p.column}` : ''}${r.username ? ` (${r.username})` : ''}: ${p.message}`
        )
    else if (r.status === 'exists')
      io.out(`  Row ${r.row} (${r.username}) exists: user ID ${r.userId}, skipped`)
  }
}

const fileRefused = (plan: BulkPlan): boolean => plan.problems.length > 0

/**
 * Reports a run's progress: a one-line bar on stderr at a terminal; one JSON line per finished row with
 * --json; otherwise the rows that failed or whose outcome is unknown, as they happen, on stderr.
 */
async function progressReporter(
  io: CliIo,
  json: boolean
): Promise<{ onProgress(p: BatchProgress): void; end(): void }> {
  const { escapeInvisible } = await import('../../shared/text')
  const bar = !json && atTerminal(io, process.stderr)
  let lastRow: BatchResultRow | undefined
  let drawn = 0
  let shown = false
  return {
    onProgress(p) {
      const row = p.last && p.last !== lastRow ? p.last : undefined
      if (row) lastRow = row
      if (json) {
        if (row) io.out(JSON.stringify({ type: 'row', ...row }))
        return
      }
      if (bar) {
        const now = Date.now()
        if (now - drawn < 100 && p.counts.left > 0) return
        drawn = now
        const c = p.counts
        const total = c.created + c.exists + c.failed + c.unknown + c.left
        const done = total - c.left
        const width = 24
        const filled = total ? Math.round((done / total) * width) : width
        const eta = p.etaSeconds !== undefined ? `  ETA ${formatDuration(p.etaSeconds)}` : ''
        const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${total}  created ${c.created}  skipped ${c.exists}  failed ${c.failed}${c.unknown ? `  unknown ${c.unknown}` : ''}  left ${c.left}  ${p.rate.toFixed(1)}/s${eta}${p.state === 'paused' ? '  paused' : ''}${p.note ? `  ${p.note}` : ''}`
        const columns = process.stderr.columns || 120
        process.stderr.write(`\r${escapeInvisible(line).slice(0, columns - 1)}\u001b[K`)
        shown = true
        return
      }
      if (row && (row.outcome === 'failed' || row.outcome === 'unknown'))
        io.err(`Row ${row.row} (${row.username}): ${row.outcome}: ${row.message ?? ''}`)
    },
    end() {
      if (shown) process.stderr.write('\n')
    }
  }
}

/** Ctrl+C once cancels (the calls in flight finish); twice quits at once (resume picks it up). */
function cancelOnInterrupt(io: CliIo, task: { cancel(): void; batchId: string }): () => void {
  if (io.env !== process.env) return () => {}
  let asked = false
  const onSigint = (): void => {
    if (asked) process.exit(130)
    asked = true
    io.err(
      `Cancelling: the calls in flight finish first (Ctrl+C again quits now; resume with: connect-provisioner bulk resume ${task.batchId}).`
    )
    task.cancel()
  }
  process.on('SIGINT', onSigint)
  return () => process.off('SIGINT', onSigint)
}

/** The exit code of a finished run: 3 unknown, 1 failed/refused/left, else 0. */
function runExitCode(result: BatchTaskResult): number {
  const { counts } = result.summary
  if (counts.unknown > 0) return exitCodes.outcomeUnknown
  const refused = result.results.some((r) => r.outcome === 'planned-error')
  if (counts.failed > 0 || counts.left > 0 || refused || result.state !== 'finished') return exitCodes.failed
  return exitCodes.ok
}

/** The end of a run or resume: the counts, why it stopped, the rows to look at, and where results are. */
function printRunEnd(
  io: CliIo,
  result: BatchTaskResult,
  json: boolean,
  passwords: { path: string; count: number } | undefined
): void {
  const c = result.summary.counts
  const refused = result.results.filter((r) => r.outcome === 'planned-error').length
  if (json) {
    io.out(
      JSON.stringify({
        type: 'done',
        batchId: result.batchId,
        state: result.state,
        ...(result.reason ? { reason: result.reason } : {}),
        counts: c,
        refused,
        ...(passwords ? { passwordsFile: passwords.path, passwords: passwords.count } : {})
      })
    )
    return
  }
  io.out(
    `Batch ${result.batchId} ${result.state}: created ${c.created}, skipped ${c.exists} (already there), failed ${c.failed}, unknown ${c.unknown}, left ${c.left}${refused ? `; ${refused} refused by the plan` : ''}.`
  )
  if (result.reason) io.out(result.reason)
  const notable = result.results.filter((r) => r.outcome === 'failed' || r.outcome === 'unknown')
  for (const r of notable.slice(0, 50))
    io.out(`  Row ${r.row} (${r.username}): ${r.outcome}: ${r.message ?? ''}`)
  if (notable.length > 50) io.out(`  … and ${notable.length - 50} more (bulk show ${result.batchId}).`)
  if (c.unknown)
    io.out(
      `The outcome of ${c.unknown} row(s) is unknown (the user may exist): connect-provisioner bulk resume ${result.batchId} checks them before sending anything.`
    )
  else if (c.left)
    io.out(`${c.left} row(s) were not sent: connect-provisioner bulk resume ${result.batchId} sends them.`)
  if (passwords)
    io.out(
      passwords.count
        ? `The generated passwords of ${passwords.count} user(s) are in ${passwords.path} (owner-only); they are not kept anywhere else.`
        : 'No password was generated.'
    )
  io.out(
    `Results: connect-provisioner bulk show ${result.batchId}  (or bulk export ${result.batchId} --out FILE)`
  )
}

/** Asks yes/no on the terminal; anything but y/yes (or no terminal answer) is no. */
async function confirmed(io: CliIo, question: string): Promise<boolean> {
  try {
    return /^y(es)?$/i.test(await io.ask(`${question} [y/N] `))
  } catch {
    return false
  }
}

/** Says how fast a run goes and why (on stderr, with the progress). */
function paceNote(pace: Pace | undefined, flag: number | undefined): string {
  if (!pace) return 'At Connect’s default quota (2 requests/second); --rate R if AWS raised it.'
  return `At ${pace.perSecond} requests/second (${flag === undefined ? 'the rate saved in the app for this account and Region' : '--rate'}).`
}

/**
 * The pace of a run: `--rate R` requests/second, else the rate saved in the app for the target's account
 * and Region (a quota AWS raised), with the default's burst; undefined for Connect's default.
 */
async function paceOf(
  services: Services,
  target: Pick<BulkPlan['target'], 'accountId' | 'region'>,
  flag: number | undefined
): Promise<Pace | undefined> {
  const rate = flag ?? services.settings.accountRate(target.accountId, target.region)
  if (rate === undefined) return undefined
  const { connectDefaultPace } = await import('../services/aws/pacing')
  return { perSecond: rate, burst: connectDefaultPace.burst }
}

/** Runs a started task to its end with progress, Ctrl+C handling and generated passwords written. */
async function follow(
  io: CliIo,
  start: (hooks: { onProgress(p: BatchProgress): void; onGeneratedPassword(g: GeneratedPassword): void }) => {
    done: Promise<BatchTaskResult>
    cancel(): void
    batchId: string
  },
  options: { json: boolean; passwordsOut?: string }
): Promise<BatchTaskResult> {
  const { PasswordsFile } = await import('../services/bulk/passwords-file')
  const passwords = options.passwordsOut ? PasswordsFile.create(options.passwordsOut) : undefined
  const reporter = await progressReporter(io, options.json)
  let task: ReturnType<typeof start>
  try {
    task = start({ onProgress: (p) => reporter.onProgress(p), onGeneratedPassword: (g) => passwords?.add(g) })
  } catch (error) {
    passwords?.close()
    throw error
  }
  if (!options.json) io.err(`Batch ${task.batchId}: running (Ctrl+C cancels after the calls in flight).`)
  const release = cancelOnInterrupt(io, task)
  let result: BatchTaskResult
  try {
    result = await task.done
  } finally {
    release()
    reporter.end()
    passwords?.close()
  }
  printRunEnd(
    io,
    result,
    options.json,
    passwords ? { path: passwords.path, count: passwords.count } : undefined
  )
  return result
}

function checkPasswordsOut(
  flags: { generatePasswords?: boolean; passwordsOut?: string },
  command: Command,
  needed: boolean
): void {
  if (needed && !flags.passwordsOut)
    command.error(
      'error: generated passwords must go somewhere: add --passwords-out FILE (a new file, written owner-only; they are kept nowhere else).',
      { exitCode: exitCodes.usage }
    )
  if (flags.passwordsOut && existsSync(flags.passwordsOut))
    command.error(
      `error: ${flags.passwordsOut} already exists: generated passwords are never written over a file.`,
      {
        exitCode: exitCodes.usage
      }
    )
}

export function bulkCommands(io: CliIo): Command {
  const out = io.out
  const bulk = new Command('bulk').description(
    'Create users in bulk from a CSV (the admin website’s template or a roster against a template): plan, run at the quota, resume, undo.'
  )

  bulk
    .command('template')
    .description('Print a blank CSV of either form: its header row, ready for a row per person.')
    .addOption(new Option('--form <form>', 'which form').choices(['console', 'roster']).default('console'))
    .action(async (flags: { form: 'console' | 'roster' }) => {
      const { blankCsv } = await import('../../shared/bulk/csv')
      out(blankCsv(flags.form).replace(/\r\n/g, '\n').trimEnd())
    })

  const planCommand = targetOptions(
    bulk
      .command('plan')
      .description(
        'Check every row and resolve every name against the instance; nothing is sent (a dry run).'
      )
      .argument('<file>', 'CSV file')
  )
    .option('--template <name>', 'template for roster rows that name none')
    .option('--generate-passwords', 'plan generated passwords for CONNECT_MANAGED rows without one')
    .option('--json', 'print JSON (passwords never included)')
  planCommand.action(async (file: string, flags: PlanFlags, command: Command) => {
    profileOf(flags, command, io.env)
    const { plan } = await planFile(io, file, flags, command)
    if (flags.json) out(JSON.stringify(await planJson(plan), null, 2))
    else {
      printPlan(io, plan)
      out(
        fileRefused(plan)
          ? 'The file is refused: fix it and plan again. Nothing was sent.'
          : 'Nothing was sent. Run it with: connect-provisioner bulk run … (the same options)'
      )
    }
    if (fileRefused(plan) || plan.counts.error > 0) process.exitCode = exitCodes.failed
  })

  const runCommand = targetOptions(
    bulk
      .command('run')
      .description(
        'Plan the file, confirm, then create its valid rows at the account’s quota, journaled so a crash can be resumed.'
      )
      .argument('<file>', 'CSV file')
  )
    .option('--template <name>', 'template for roster rows that name none')
    .addOption(rateOption())
    .option('--yes', 'do not ask for confirmation (required when not at a terminal)')
    .option(
      '--generate-passwords',
      'generate passwords for CONNECT_MANAGED rows without one (needs --passwords-out)'
    )
    .option(
      '--passwords-out <file>',
      'a new file for the generated passwords (owner-only, never overwritten)'
    )
    .option('--json', 'print one JSON line for the plan, one per row, and one at the end')
  runCommand.action(async (file: string, flags: RunFlags, command: Command) => {
    profileOf(flags, command, io.env)
    if (flags.passwordsOut && !flags.generatePasswords)
      command.error('error: --passwords-out is for --generate-passwords.', { exitCode: exitCodes.usage })
    checkPasswordsOut(flags, command, Boolean(flags.generatePasswords))
    const { services, plan } = await planFile(io, file, flags, command)
    const json = Boolean(flags.json)
    if (json) {
      const { rows: _rows, ...head } = await planJson(plan)
      out(JSON.stringify(head))
      for (const r of plan.rows) {
        if (r.status === 'error')
          out(
            JSON.stringify({
              type: 'row',
              row: r.row,
              username: r.username,
              outcome: 'planned-error',
              message: r.problems.map((p) => (p.column ? `${p.column}: ${p.message}` : p.message)).join(' ')
            })
          )
        else if (r.status === 'exists')
          out(
            JSON.stringify({
              type: 'row',
              row: r.row,
              username: r.username,
              outcome: 'exists',
              userId: r.userId
            })
          )
      }
    } else printPlan(io, plan)
    if (fileRefused(plan)) {
      if (!json) out('The file is refused: fix it and run again. Nothing was sent.')
      process.exitCode = exitCodes.failed
      return
    }
    if (plan.counts.create === 0) {
      if (!json) out('Nothing to create. Nothing was sent.')
      process.exitCode = plan.counts.error ? exitCodes.failed : exitCodes.ok
      return
    }
    const { target } = plan
    const question = `Create ${plan.counts.create} user(s) in ${target.instanceAlias} (account ${target.accountId}, ${target.region}) with profile ${target.profile}?`
    if (!flags.yes) {
      if (!atTerminal(io, process.stdin))
        command.error(
          `error: not sent: ${question.replace(/\?$/, '')} needs confirmation. Run again with --yes (or at a terminal to be asked).`,
          { exitCode: exitCodes.usage }
        )
      if (!(await confirmed(io, question))) {
        io.err('Not sent.')
        process.exitCode = exitCodes.failed
        return
      }
    }
    const pace = await paceOf(services, plan.target, flags.rate)
    if (!json) io.err(paceNote(pace, flags.rate))
    const result = await follow(
      io,
      (hooks) => services.bulk.run(plan, { ...hooks, ...(pace ? { pace } : {}) }),
      { json, ...(flags.passwordsOut ? { passwordsOut: flags.passwordsOut } : {}) }
    )
    process.exitCode = runExitCode(result)
  })

  bulk
    .command('resume')
    .description(
      'Resume an interrupted, stopped or cancelled batch: rows sent without an answer are looked up first, then the rest are sent.'
    )
    .argument('<batch>', 'batch ID (see bulk list)')
    .option(
      '--file <file>',
      'the same CSV, for rows whose password came from it (the journal never keeps passwords)'
    )
    .addOption(rateOption())
    .option(
      '--passwords-out <file>',
      'a new file for passwords generated anew (owner-only, never overwritten)'
    )
    .option('--json', 'print one JSON line per row, and one at the end')
    .action(
      async (
        batchId: string,
        flags: { file?: string; rate?: number; passwordsOut?: string; json?: boolean },
        command: Command
      ) => {
        const services = await cliServices(io)
        const record = services.bulk.read(batchId)
        const needs = services.bulk.resumeNeeds(batchId)
        let passwords = new Map<number, string>()
        if (needs.csvPasswordRows.length) {
          const rows = needs.csvPasswordRows.map((r) => r.row)
          const listed = `${rows.slice(0, 10).join(', ')}${rows.length > 10 ? ` and ${rows.length - 10} more` : ''}`
          if (!flags.file)
            command.error(
              `error: rows ${listed} need their passwords from the CSV (the journal never keeps them): give the same file with --file.`,
              { exitCode: exitCodes.usage }
            )
          const file = flags.file ?? ''
          const text = await readCsv(file, command)
          try {
            passwords = services.bulk.resumePasswords(batchId, text, file)
          } catch (error) {
            command.error(`error: ${(error as Error).message}`, { exitCode: exitCodes.usage })
          }
        }
        checkPasswordsOut(flags, command, needs.generatedRows.length > 0)
        const json = Boolean(flags.json)
        const { target } = record.summary
        if (!json)
          out(
            `Resuming batch ${batchId} in ${target.instanceAlias} (${target.accountId}, ${target.region}): ${needs.recheck} row(s) to look up first, ${needs.unsent} to send.`
          )
        const pace = await paceOf(services, target, flags.rate)
        const result = await follow(
          io,
          (hooks) => services.bulk.resume(batchId, { passwords }, { ...hooks, ...(pace ? { pace } : {}) }),
          { json, ...(flags.passwordsOut ? { passwordsOut: flags.passwordsOut } : {}) }
        )
        process.exitCode = runExitCode(result)
      }
    )

  bulk
    .command('list')
    .description('List past and running batches (from their journals), newest first.')
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      const { batches: list, notices } = (await cliServices(io)).bulk.list()
      for (const notice of notices) io.err(`warning: ${notice}`)
      if (flags.json) return out(JSON.stringify(list, null, 2))
      if (!list.length) return out('No batches yet. Start one with: connect-provisioner bulk run FILE …')
      table([
        [
          'BATCH',
          'WHEN',
          'WHO',
          'ACCOUNT',
          'REGION',
          'INSTANCE',
          'FILE',
          'CREATED',
          'SKIPPED',
          'FAILED',
          'UNKNOWN',
          'LEFT',
          'DELETED',
          'STATE'
        ],
        ...list.map((b: BatchSummary) => [
          b.batchId,
          b.at.replace('T', ' ').replace(/\.\d+Z$/, 'Z'),
          b.osUser,
          b.target.accountId,
          b.target.region,
          b.target.instanceAlias,
          clip(b.fileName, 30),
          String(b.counts.created),
          String(b.counts.exists),
          String(b.counts.failed),
          String(b.counts.unknown),
          String(b.counts.left),
          String(b.counts.deleted),
          b.state
        ])
      ]).forEach((line) => out(line))
    })

  bulk
    .command('show')
    .description('Show a batch and the result of each row.')
    .argument('<batch>', 'batch ID (see bulk list)')
    .option('--json', 'print JSON')
    .action(async (batchId: string, flags: { json?: boolean }) => {
      const { summary, results } = (await cliServices(io)).bulk.read(batchId)
      if (flags.json) return out(JSON.stringify({ batch: summary, rows: results }, null, 2))
      const c = summary.counts
      out(
        `Batch ${summary.batchId}: ${summary.state}; ${summary.fileName}, ${summary.at} by ${summary.osUser}; ${summary.target.instanceAlias} (${summary.target.accountId}, ${summary.target.region}), profile ${summary.target.profile}`
      )
      out(
        `  created ${c.created}, skipped ${c.exists}, failed ${c.failed}, unknown ${c.unknown}, left ${c.left}, deleted by undo ${c.deleted}`
      )
      table([
        ['ROW', 'USERNAME', 'OUTCOME', 'USER ID', 'ERROR', 'MESSAGE'],
        ...results.map((r) => [
          String(r.row),
          r.username,
          r.outcome,
          r.userId ?? '',
          r.errorCode ?? '',
          clip(r.message ?? '', 100)
        ])
      ]).forEach((line) => out(line))
    })

  bulk
    .command('export')
    .description('Write a batch’s results (row, username, outcome, user ID, ARN, error) as CSV or JSON.')
    .argument('<batch>', 'batch ID (see bulk list)')
    .requiredOption('--out <file>', 'file to write (owner-only, 0600)')
    .addOption(new Option('--format <format>', 'file format').choices(['csv', 'json']).default('csv'))
    .action(async (batchId: string, flags: { out: string; format: 'csv' | 'json' }) => {
      const services = await cliServices(io)
      const text = services.bulk.exportResults(batchId, flags.format)
      const { writeFileAtomic } = await import('../services/files')
      writeFileAtomic(flags.out, text)
      out(`Wrote the results of batch ${batchId} to ${flags.out}.`)
    })

  bulk
    .command('undo')
    .description(
      'Delete the users a batch created, and only those (confirmation names the account, instance and count).'
    )
    .argument('<batch>', 'batch ID (see bulk list)')
    .option('--yes', 'do not ask for confirmation (required when not at a terminal)')
    .addOption(rateOption())
    .option('--json', 'print one JSON line per row, and one at the end')
    .action(
      async (batchId: string, flags: { yes?: boolean; rate?: number; json?: boolean }, command: Command) => {
        const services = await cliServices(io)
        const preview = services.bulk.undoPreview(batchId)
        const { target } = preview
        const json = Boolean(flags.json)
        const what = `Undo of batch ${batchId} deletes ${preview.users.length} user(s) it created in ${target.instanceAlias} (account ${target.accountId}, ${target.region}) with profile ${target.profile}${preview.recheck ? `, and looks up ${preview.recheck} row(s) sent without an answer (deleted only if they are the batch’s)` : ''}`
        if (json)
          out(
            JSON.stringify({ type: 'undo', batchId, target, users: preview.users, recheck: preview.recheck })
          )
        else {
          out(`${what}.`)
          for (const u of preview.users.slice(0, 20)) out(`  row ${u.row}: ${u.username} (${u.userId})`)
          if (preview.users.length > 20) out(`  … and ${preview.users.length - 20} more`)
        }
        if (!preview.users.length && !preview.recheck) {
          if (!json) out('Nothing to delete.')
          return
        }
        if (!flags.yes) {
          if (!atTerminal(io, process.stdin))
            command.error(
              `error: nothing deleted: the undo needs confirmation. Run again with --yes (or at a terminal to be asked).`,
              {
                exitCode: exitCodes.usage
              }
            )
          if (
            !(await confirmed(
              io,
              `Delete ${preview.users.length} user(s) from ${target.instanceAlias} (${target.accountId})?`
            ))
          ) {
            io.err('Nothing deleted.')
            process.exitCode = exitCodes.failed
            return
          }
        }
        const reporter = await progressReporter(io, json)
        const pace = await paceOf(services, target, flags.rate)
        const undo = services.bulk.undo(batchId, {
          onProgress: (p) => reporter.onProgress(p),
          ...(pace ? { pace } : {})
        })
        const release = cancelOnInterrupt(io, undo)
        let result: BatchTaskResult
        try {
          result = await undo.done
        } finally {
          release()
          reporter.end()
        }
        const c = result.summary.counts
        if (json)
          out(
            JSON.stringify({
              type: 'done',
              batchId,
              state: result.state,
              ...(result.reason ? { reason: result.reason } : {}),
              counts: c
            })
          )
        else {
          out(`Batch ${batchId} ${result.state}: ${c.deleted} user(s) deleted of ${c.created} it created.`)
          if (result.reason) out(result.reason)
        }
        process.exitCode = result.state === 'undone' ? exitCodes.ok : exitCodes.failed
      }
    )

  return bulk
}
