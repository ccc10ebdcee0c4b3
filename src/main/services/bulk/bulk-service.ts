/**
 * Bulk, as the app and the CLI use it: start a planned batch, resume one, undo one, and read the
 * history and results back from the journals. One batch at a time per account and Region in this
 * process (they would share one quota); batches of different accounts or Regions run in parallel.
 */
import { parseBulkCsv } from '../../../shared/bulk/csv'
import type { BatchSummary, BulkPlan } from '../../../shared/bulk/types'
import { AppError } from '../../../shared/result'
import type { BatchTaskResult, BulkDeps, TaskOptions } from './batch-task'
import { resultsCsv, resultsJson, type BatchRecord } from './journal'
import { planFile, type PlanPorts, type PlanRequest } from './planner'
import { BulkRun, type ResumeInput, type ResumeNeeds, type RunOptions } from './runner'
import { BatchUndo, type UndoPreview } from './undo'

/** Anything running against an account and Region. */
interface Running {
  batchId: string
  done: Promise<BatchTaskResult>
}

export class BulkService {
  private readonly running = new Map<string, Running>()

  constructor(
    private readonly deps: BulkDeps,
    private readonly planning: PlanPorts
  ) {}

  /**
   * The dry run of a CSV against an instance: every row checked and resolved, existing users found with
   * one ListUsers listing. Nothing is sent but those reads; the plan holds passwords in memory only.
   */
  plan(request: PlanRequest): Promise<BulkPlan> {
    return planFile(this.planning, request)
  }

  /** Journals `plan` and starts creating its rows; see BulkRun for the guarantees. */
  run(plan: BulkPlan, options: RunOptions = {}): BulkRun {
    const { accountId, region } = plan.target
    this.checkFree(accountId, region)
    if (plan.problems.length)
      throw new AppError(
        'INVALID_REQUEST',
        `The file is refused, so nothing runs: ${plan.problems.map((p) => p.message).join(' ')}`
      )
    if (!plan.rows.some((r) => r.status === 'create'))
      throw new AppError('INVALID_REQUEST', 'The plan has no rows to create: nothing to run.')
    return this.track(accountId, region, BulkRun.start(this.deps, plan, options))
  }

  /** What resuming a batch would do, and the passwords it needs given again. */
  resumeNeeds(batchId: string): ResumeNeeds {
    return BulkRun.needs(this.deps, batchId)
  }

  /**
   * The passwords a resume needs from the batch's own CSV (`text`, named `fileName` in messages), by row.
   * A file whose rows are not the batch's (another username, no password) is refused, naming the row.
   */
  resumePasswords(batchId: string, text: string, fileName: string): Map<number, string> {
    const needed = this.resumeNeeds(batchId).csvPasswordRows
    const byRow = new Map(parseBulkCsv(text).rows.map((r) => [r.row, r]))
    const passwords = new Map<number, string>()
    for (const { row, username } of needed) {
      const given = byRow.get(row)
      const name = given?.person.username?.trim().toLowerCase()
      if (!given?.person.password || (name && name !== username.toLowerCase()))
        throw new AppError(
          'INVALID_REQUEST',
          `${fileName} is not the file of batch ${batchId}: its row ${row} ${given ? `is not ${username.slice(0, 64)} with a password` : 'is missing'}. Choose the CSV the batch was planned from.`
        )
      passwords.set(row, given.person.password)
    }
    return passwords
  }

  /** Resumes an interrupted (or stopped, cancelled, paused) batch: unanswered rows are re-checked first. */
  resume(batchId: string, input: ResumeInput = {}, options: RunOptions = {}): BulkRun {
    const { accountId, region } = this.read(batchId).summary.target
    this.checkFree(accountId, region)
    return this.track(accountId, region, BulkRun.resume(this.deps, batchId, input, options))
  }

  /** What undoing a batch would delete: account, instance and users (nothing is sent). */
  undoPreview(batchId: string): UndoPreview {
    return BatchUndo.preview(this.deps, batchId)
  }

  /** Deletes the users the batch created, and only those. */
  undo(batchId: string, options: TaskOptions = {}): BatchUndo {
    const { accountId, region } = this.read(batchId).summary.target
    this.checkFree(accountId, region)
    return this.track(accountId, region, BatchUndo.start(this.deps, batchId, options))
  }

  /** Past and running batches, newest first, and what was said of journals that could not be read. */
  list(): { batches: BatchSummary[]; notices: string[] } {
    return this.deps.journals.listBatches()
  }

  /** One batch, read from its journal: summary, per-row results and the ledger. */
  read(batchId: string): BatchRecord {
    return this.deps.journals.readBatch(batchId)
  }

  /** A batch's results as CSV (formulas defused) or JSON. */
  exportResults(batchId: string, format: 'csv' | 'json'): string {
    const { summary, results } = this.read(batchId)
    return format === 'csv' ? resultsCsv(results) : resultsJson(summary, results)
  }

  private checkFree(accountId: string, region: string): void {
    const busy = this.running.get(`${accountId}|${region}`)
    if (busy)
      throw new AppError(
        'CONFLICT',
        `Batch ${busy.batchId} is running in account ${accountId}, ${region}: one batch at a time per account and Region (they share its quota). Wait for it, or cancel it.`
      )
  }

  private track<T extends Running>(accountId: string, region: string, task: T): T {
    const key = `${accountId}|${region}`
    this.running.set(key, task)
    void task.done
      .finally(() => {
        if (this.running.get(key) === task) this.running.delete(key)
      })
      .catch(() => {})
    return task
  }
}
