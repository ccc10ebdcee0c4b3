/**
 * Bulk journals: one JSON Lines file per batch in `<data folder>/batches/<batchId>.jsonl` (folder 0700,
 * files 0600). The plan first, then `intent` before each CreateUser and `outcome` after it, state
 * changes, and the undo's `undo-intent` / `undo-outcome`. Every append is fsync'd and starts on a fresh
 * line, so a crash loses nothing but the line being written, and reading skips that torn line. The
 * journal is the truth about a batch: history, results, resume and undo are all read from it. It never
 * holds a password (requests are masked before they get here).
 */
import {
  chmodSync,
  closeSync,
  existsSync,
  fstatSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  readSync,
  readdirSync,
  statSync,
  unlinkSync,
  writeSync
} from 'node:fs'
import { randomBytes } from 'node:crypto'
import { userInfo } from 'node:os'
import { join } from 'node:path'
import { csvCell } from '../../../shared/activity'
import type {
  BatchResultRow,
  BatchState,
  BatchSummary,
  BulkPlan,
  JournalEntry,
  RowProblem
} from '../../../shared/bulk/types'
import { maskRequest, passwordMarker } from '../../../shared/create-user'
import { AppError } from '../../../shared/result'
import { moveAside } from '../store-recovery'

/** The plan, as the journal's first line. */
export type PlanEntry = Extract<JournalEntry, { type: 'plan' }>
/** One row of the journaled plan. */
export type PlanRow = PlanEntry['rows'][number]
export type OutcomeEntry = Extract<JournalEntry, { type: 'outcome' }>
export type UndoOutcomeEntry = Extract<JournalEntry, { type: 'undo-outcome' }>

/** A batch ID: when it was planned (UTC) and six random hex digits, e.g. `20250301-142233-a1b2c3`. */
export const batchIdPattern = /^\d{8}-\d{6}-[0-9a-f]{6}$/

/** A new batch ID, sortable by time. */
export function newBatchId(now: Date = new Date()): string {
  const stamp = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace('T', '-')
    .replace(/\.\d+Z$/, '')
  return `${stamp}-${randomBytes(3).toString('hex')}`
}

/** Who runs the batch, as the audit log names them. */
export function osUser(): string {
  try {
    return userInfo().username
  } catch {
    return process.env['USER'] ?? process.env['USERNAME'] ?? 'unknown'
  }
}

/** The journaled plan of `plan`: passwords masked, problems kept, nothing secret. */
export function planEntry(batchId: string, plan: BulkPlan, at: Date = new Date()): PlanEntry {
  return {
    type: 'plan',
    batchId,
    at: at.toISOString(),
    osUser: osUser(),
    fileName: plan.fileName,
    form: plan.form,
    target: plan.target,
    rows: plan.rows.map((r): PlanRow => {
      if (r.status === 'create') {
        return {
          row: r.row,
          username: r.username,
          status: 'create',
          hasPassword: Boolean(r.request.Password),
          request: maskRequest(r.request),
          ...(r.generatedPassword ? { generatedPassword: true } : {})
        }
      }
      if (r.status === 'exists')
        return { row: r.row, username: r.username, status: 'exists', userId: r.userId, hasPassword: false }
      return { row: r.row, username: r.username, status: 'error', hasPassword: false, problems: r.problems }
    })
  }
}

/** One journal file, appended to. */
export class BatchJournal {
  constructor(
    readonly batchId: string,
    readonly file: string
  ) {}

  /**
   * Appends one entry and flushes it to disk before returning. It always starts on a fresh line, so a
   * line torn by a crash never swallows the entry after it. A password never gets here: a request is
   * checked to be masked, and anything else carries none.
   */
  append(entry: JournalEntry): void {
    const text = JSON.stringify(entry)
    if (
      entry.type === 'plan' &&
      entry.rows.some((r) => r.request?.Password && r.request.Password !== passwordMarker)
    )
      throw new AppError('INTERNAL', 'A plan with a password was about to be journaled; nothing was written.')
    const fd = openSync(this.file, 'a+', 0o600)
    try {
      const size = fstatSync(fd).size
      let prefix = ''
      if (size > 0) {
        const last = Buffer.alloc(1)
        readSync(fd, last, 0, 1, size - 1)
        if (last[0] !== 0x0a) prefix = '\n'
      }
      const data = Buffer.from(`${prefix}${text}\n`, 'utf8')
      for (let written = 0; written < data.length;)
        written += writeSync(fd, data, written, data.length - written)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
  }
}

/** What the journal says of one planned row. */
export interface RowRecord {
  planned: PlanRow
  /** An intent was written and no outcome after it: the call may or may not have reached AWS. */
  pending: boolean
  /** The latest outcome. */
  outcome?: OutcomeEntry
  /** An undo-intent without an undo-outcome after it. */
  undoPending: boolean
  undoOutcome?: UndoOutcomeEntry
}

type Counts = BatchSummary['counts']
type Category = Exclude<keyof Counts, 'deleted'>

/** Where a row counts: created, exists, failed, unknown, left (not done), or refused (a plan error). */
function categoryOf(r: RowRecord): Category {
  if (r.planned.status === 'error') return 'refused'
  if (r.planned.status === 'exists') return 'exists'
  if (r.pending || !r.outcome) return 'left'
  const outcome = r.outcome.outcome
  return outcome === 'skipped' ? 'left' : outcome
}

const isDeleted = (r: RowRecord): boolean =>
  r.undoOutcome?.outcome === 'deleted' || r.undoOutcome?.outcome === 'gone'

/**
 * A batch folded from its journal, kept up to date entry by entry (the runner applies what it appends,
 * so progress never re-reads the file).
 */
export class BatchLedger {
  readonly rows = new Map<number, RowRecord>()
  private journalState: BatchState = 'planned'
  reason: string | undefined
  readonly counts: Counts = {
    created: 0,
    exists: 0,
    failed: 0,
    unknown: 0,
    left: 0,
    deleted: 0,
    refused: 0
  }

  constructor(readonly plan: PlanEntry) {
    for (const planned of plan.rows) {
      const record: RowRecord = { planned, pending: false, undoPending: false }
      this.rows.set(planned.row, record)
      this.counts[categoryOf(record)]++
    }
  }

  get batchId(): string {
    return this.plan.batchId
  }

  /** The state the journal last recorded. */
  get recordedState(): BatchState {
    return this.journalState
  }

  /** Folds one entry in. */
  apply(entry: JournalEntry): void {
    if (entry.type === 'plan') return
    if (entry.type === 'state') {
      this.journalState = entry.state
      this.reason = entry.reason
      return
    }
    const record = this.rows.get(entry.row)
    if (!record) return
    const before = categoryOf(record)
    const deletedBefore = isDeleted(record)
    switch (entry.type) {
      case 'intent':
        record.pending = true
        break
      case 'outcome':
        record.pending = false
        record.outcome = entry
        break
      case 'undo-intent':
        record.undoPending = true
        break
      case 'undo-outcome':
        record.undoPending = false
        record.undoOutcome = entry
        break
    }
    const after = categoryOf(record)
    if (before !== after) {
      this.counts[before]--
      this.counts[after]++
    }
    const deletedAfter = isDeleted(record)
    if (deletedBefore !== deletedAfter) this.counts.deleted += deletedAfter ? 1 : -1
  }

  /** The batch's state: one recorded as running or paused whose process is gone is `interrupted`. */
  state(running: boolean): BatchState {
    const recorded = this.journalState
    if (!running && (recorded === 'running' || recorded === 'paused')) return 'interrupted'
    return recorded
  }

  /** The history's line for this batch. */
  summary(running: boolean): BatchSummary {
    return {
      batchId: this.plan.batchId,
      at: this.plan.at,
      osUser: this.plan.osUser,
      fileName: this.plan.fileName,
      target: this.plan.target,
      state: this.state(running),
      counts: { ...this.counts },
      ...(this.reason && !running ? { reason: this.reason } : {})
    }
  }

  /** Rows still to do, for a resume: sent and unanswered (or unknown), and never sent. */
  unfinished(): { recheck: RowRecord[]; unsent: RowRecord[] } {
    const recheck: RowRecord[] = []
    const unsent: RowRecord[] = []
    for (const r of this.rows.values()) {
      if (r.planned.status !== 'create') continue
      if (r.pending || r.outcome?.outcome === 'unknown') recheck.push(r)
      else if (!r.outcome) unsent.push(r)
    }
    return { recheck, unsent }
  }

  /** One row's result, as exported; while the batch runs, rows not answered yet are sending or queued. */
  resultOf(r: RowRecord, running = false): BatchResultRow {
    const { row, username } = r.planned
    if (r.planned.status === 'error')
      return { row, username, outcome: 'planned-error', message: describeProblems(r.planned.problems ?? []) }
    if (r.planned.status === 'exists')
      return {
        row,
        username,
        outcome: 'exists',
        ...(r.planned.userId ? { userId: r.planned.userId } : {}),
        message: 'Already in the instance when planned: skipped.'
      }
    if (running && r.pending)
      return { row, username, outcome: 'sending', message: 'Sent: waiting for the answer from AWS.' }
    if (running && !r.outcome) return { row, username, outcome: 'queued', message: 'Waiting for its turn.' }
    if (r.pending)
      return {
        row,
        username,
        outcome: 'unknown',
        message:
          'Sent when the run stopped, and its outcome was not recorded: resuming the batch checks whether it was created before sending anything.'
      }
    if (!r.outcome)
      return { row, username, outcome: 'skipped', message: 'Not sent: the run stopped before this row.' }
    const { outcome, userId, userArn, errorCode, message } = r.outcome
    const undone =
      r.undoOutcome?.outcome === 'deleted' || r.undoOutcome?.outcome === 'gone'
        ? 'Deleted by the batch’s undo.'
        : r.undoOutcome?.outcome === 'failed'
          ? `Undo failed: ${r.undoOutcome.message ?? 'unknown reason'}`
          : undefined
    const text = [message, undone].filter(Boolean).join(' ')
    return {
      row,
      username,
      outcome,
      ...(userId ? { userId } : {}),
      ...(userArn ? { userArn } : {}),
      ...(errorCode ? { errorCode } : {}),
      ...(text ? { message: text } : {})
    }
  }

  /** Every row's result, in file order (`running`: the batch is running now). */
  results(running = false): BatchResultRow[] {
    return [...this.rows.values()]
      .sort((a, b) => a.planned.row - b.planned.row)
      .map((r) => this.resultOf(r, running))
  }
}

function describeProblems(problems: readonly RowProblem[]): string {
  return problems.map((p) => (p.column ? `${p.column}: ${p.message}` : p.message)).join(' ')
}

/** A batch read back from its journal. */
export interface BatchRecord {
  ledger: BatchLedger
  /** A process holds the batch's lock: it is running now (here or in another process). */
  running: boolean
  summary: BatchSummary
  results: BatchResultRow[]
}

const entryTypes = new Set(['plan', 'intent', 'outcome', 'state', 'undo-intent', 'undo-outcome'])

/** The entries of a journal's text; a torn or foreign line (a crash mid-write, an edit) is skipped. */
export function parseJournal(text: string): JournalEntry[] {
  const entries: JournalEntry[] = []
  for (const line of text.split('\n')) {
    if (!line.trim()) continue
    try {
      const value: unknown = JSON.parse(line)
      if (isEntry(value)) entries.push(value)
    } catch {
      // A torn line: the entries around it are intact.
    }
  }
  return entries
}

function isEntry(value: unknown): value is JournalEntry {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const entry = value as Record<string, unknown>
  if (!entryTypes.has(entry['type'] as string)) return false
  if (entry['type'] === 'plan')
    return (
      typeof entry['batchId'] === 'string' &&
      Array.isArray(entry['rows']) &&
      typeof entry['target'] === 'object' &&
      entry['target'] !== null
    )
  if (entry['type'] === 'state') return typeof entry['state'] === 'string'
  return typeof entry['row'] === 'number'
}

/** The results as CSV (spreadsheet formulas defused), with a header row. */
export function resultsCsv(rows: readonly BatchResultRow[]): string {
  const columns = ['row', 'username', 'outcome', 'userId', 'userArn', 'errorCode', 'message'] as const
  const lines = [
    columns.map(csvCell).join(','),
    ...rows.map((r) => columns.map((c) => csvCell(r[c])).join(','))
  ]
  return `${lines.join('\r\n')}\r\n`
}

/** The results as JSON. */
export function resultsJson(summary: BatchSummary, rows: readonly BatchResultRow[]): string {
  return `${JSON.stringify({ batch: summary, rows }, null, 2)}\n`
}

const owner = process.platform === 'win32' ? undefined : process.getuid?.()

/** Every batch's journal in `<data folder>/batches`. */
export class BatchJournals {
  readonly folder: string

  constructor(dataFolder: string) {
    this.folder = join(dataFolder, 'batches')
  }

  /** The journal file of a batch (the ID checked, so no path leaves the folder). */
  fileOf(batchId: string): string {
    if (!batchIdPattern.test(batchId))
      throw new AppError(
        'NOT_FOUND',
        `"${batchId.slice(0, 60)}" is not a batch ID (they look like 20250301-142233-a1b2c3).`
      )
    return join(this.folder, `${batchId}.jsonl`)
  }

  /** Starts a batch's journal with its plan (passwords masked); the ID is new. */
  create(plan: BulkPlan, now: Date = new Date()): { journal: BatchJournal; ledger: BatchLedger } {
    this.ensureFolder()
    const batchId = newBatchId(now)
    const journal = new BatchJournal(batchId, this.fileOf(batchId))
    const entry = planEntry(batchId, plan, now)
    journal.append(entry)
    return { journal, ledger: new BatchLedger(entry) }
  }

  /** Appends to an existing batch's journal. */
  open(batchId: string): BatchJournal {
    const file = this.fileOf(batchId)
    if (!existsSync(file)) throw new AppError('NOT_FOUND', `There is no batch ${batchId}.`)
    return new BatchJournal(batchId, file)
  }

  /** A batch read back from its journal. */
  readBatch(batchId: string): BatchRecord {
    const file = this.fileOf(batchId)
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        throw new AppError('NOT_FOUND', `There is no batch ${batchId} (see bulk list).`)
      throw new AppError('INTERNAL', `The journal ${file} cannot be read: ${(error as Error).message}`)
    }
    const entries = parseJournal(text)
    const plan = entries.find((e): e is PlanEntry => e.type === 'plan')
    if (!plan) throw new AppError('INTERNAL', `The journal ${file} has no plan: it is damaged.`)
    const ledger = new BatchLedger(plan)
    for (const entry of entries) ledger.apply(entry)
    const running = this.isRunning(batchId)
    return { ledger, running, summary: ledger.summary(running), results: ledger.results(running) }
  }

  /**
   * Every readable batch, newest first. A journal that cannot be read (damaged before its plan was
   * written, unreadable) is moved aside, never rewritten or deleted, and said so in `notices`.
   */
  listBatches(): { batches: BatchSummary[]; notices: string[] } {
    let names: string[]
    try {
      names = readdirSync(this.folder)
    } catch {
      return { batches: [], notices: [] }
    }
    const batches: BatchSummary[] = []
    const notices: string[] = []
    for (const name of names) {
      const id = name.replace(/\.jsonl$/, '')
      if (!name.endsWith('.jsonl') || !batchIdPattern.test(id)) continue
      try {
        batches.push(this.readBatch(id).summary)
      } catch (error) {
        // A process writing it right now holds its lock: it is not damaged, only young.
        if (this.isRunning(id)) continue
        const file = this.fileOf(id)
        try {
          const { movedTo, reason } = moveAside(file, error)
          notices.push(
            `The journal of batch ${id} could not be read (${reason}). It was moved to ${movedTo} and is left out of the batches; nothing was deleted.`
          )
        } catch {
          notices.push(`The journal ${file} could not be read or moved aside: it is left out of the batches.`)
        }
      }
    }
    batches.sort((a, b) => b.at.localeCompare(a.at) || b.batchId.localeCompare(a.batchId))
    return { batches, notices }
  }

  /** True when a live process holds the batch's lock (it is running, or being undone). */
  isRunning(batchId: string): boolean {
    const lock = this.lockFile(batchId)
    return existsSync(lock) && holderAlive(lock)
  }

  /**
   * Takes the batch's lock for this process: one runner (or undo) per batch on the workstation. A lock
   * whose process is gone (killed) is taken over; a live one is a CONFLICT.
   */
  lock(batchId: string): () => void {
    this.ensureFolder()
    const lock = this.lockFile(batchId)
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const fd = openSync(lock, 'wx', 0o600)
        try {
          writeSync(fd, String(process.pid))
        } finally {
          closeSync(fd)
        }
        return () => {
          try {
            unlinkSync(lock)
          } catch {
            // Already gone.
          }
        }
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      }
      if (holderAlive(lock)) {
        const pid = readPid(lock)
        throw new AppError(
          'CONFLICT',
          `Batch ${batchId} is being run or undone${pid === process.pid ? ' here' : pid ? ` by process ${pid}` : ''}: wait for it to end (or stop that process). If no such process runs, delete ${lock}.`
        )
      }
      try {
        unlinkSync(lock)
      } catch {
        // Taken over by another process meanwhile: try again.
      }
    }
    throw new AppError('CONFLICT', `The lock ${lock} of batch ${batchId} keeps changing hands.`)
  }

  private lockFile(batchId: string): string {
    return this.fileOf(batchId).replace(/\.jsonl$/, '.lock')
  }

  private ensureFolder(): void {
    mkdirSync(this.folder, { recursive: true, mode: 0o700 })
    if (owner === undefined) return
    try {
      const stat = statSync(this.folder)
      if ((stat.mode & 0o077) !== 0 && stat.uid === owner) chmodSync(this.folder, 0o700)
    } catch {
      // Not ours to change: the files themselves are 0600.
    }
  }
}

function readPid(lock: string): number | undefined {
  try {
    const pid = Number(readFileSync(lock, 'utf8'))
    return Number.isInteger(pid) && pid > 0 ? pid : undefined
  } catch {
    return undefined
  }
}

/** True when the lock's process lives (a lock just created, still without its pid, counts as live). */
function holderAlive(lock: string): boolean {
  const pid = readPid(lock)
  if (pid === undefined) {
    try {
      return Date.now() - statSync(lock).mtimeMs < 1_000
    } catch {
      return false
    }
  }
  if (pid === process.pid) return true
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}
