/**
 * Undo of a batch: deletes exactly the users the batch created — the user IDs of its journal's
 * `outcome: created` entries — with DeleteUser, paced like every call, each one journaled
 * (`undo-intent` before, `undo-outcome` after) and audited. A user the batch did not create is never
 * touched: rows that existed already, rows someone else's user answered, and rows that failed have no
 * user ID of the batch's. Rows sent without an answer (an interrupted run) are looked up first and
 * deleted only when the user found is the one the batch asked for. Undo can run again: it carries on
 * with the users not yet deleted (a user already gone counts as deleted).
 */
import type { BatchState, BatchTarget } from '../../../shared/bulk/types'
import type { CreateUserRequest } from '../../../shared/create-user'
import { AppError } from '../../../shared/result'
import { isRequestedUser } from '../aws/create-user-once'
import {
  asAppError,
  awsCodeOf,
  BatchTask,
  isThrottled,
  stopsTheRun,
  type BulkDeps,
  type TaskOptions
} from './batch-task'
import type { BatchJournal, BatchLedger, RowRecord } from './journal'
import type { JobStep } from './paced-jobs'

/** What an undo would do: the account, instance and the users it would delete. */
export interface UndoPreview {
  batchId: string
  target: BatchTarget
  /** Users the batch created and that are not deleted yet. */
  users: Array<{ row: number; username: string; userId: string }>
  /** Rows sent without an answer: looked up first, deleted only if the user is the batch's. */
  recheck: number
}

interface UndoJob {
  row: number
  username: string
  userId?: string
  /** Look the user up first (an unanswered intent). */
  request?: CreateUserRequest
}

function isUndone(r: RowRecord): boolean {
  return r.undoOutcome?.outcome === 'deleted' || r.undoOutcome?.outcome === 'gone'
}

/** The rows an undo of `ledger` deletes, and the rows it must look up first. */
function undoRows(ledger: BatchLedger): { users: RowRecord[]; recheck: RowRecord[] } {
  const users: RowRecord[] = []
  const recheck: RowRecord[] = []
  for (const r of ledger.rows.values()) {
    if (r.planned.status !== 'create') continue
    if (r.pending || r.outcome?.outcome === 'unknown') recheck.push(r)
    else if (r.outcome?.outcome === 'created' && r.outcome.userId && !isUndone(r)) users.push(r)
  }
  return { users, recheck }
}

/** A running undo: pause, resume, cancel, progress, and its outcome when it ends. */
export class BatchUndo extends BatchTask<UndoJob> {
  private unresolved = 0
  private failures = 0
  /** Jobs not finished yet, for the ETA. */
  private remaining: number

  private constructor(
    deps: BulkDeps,
    ledger: BatchLedger,
    journal: BatchJournal,
    jobs: UndoJob[],
    options: TaskOptions,
    release: () => void
  ) {
    super(deps, ledger, journal, jobs, options, release, 'undone')
    this.remaining = jobs.length
  }

  /** What undoing `batchId` would delete (nothing is sent). */
  static preview(deps: BulkDeps, batchId: string): UndoPreview {
    const { ledger } = deps.journals.readBatch(batchId)
    const { users, recheck } = undoRows(ledger)
    return {
      batchId,
      target: ledger.plan.target,
      users: users.map((r) => ({
        row: r.planned.row,
        username: r.planned.username,
        userId: r.outcome?.userId ?? ''
      })),
      recheck: recheck.length
    }
  }

  /** Starts deleting the batch's users (the batch must not be running). */
  static start(deps: BulkDeps, batchId: string, options: TaskOptions = {}): BatchUndo {
    const release = deps.journals.lock(batchId)
    try {
      const { ledger } = deps.journals.readBatch(batchId)
      const { users, recheck } = undoRows(ledger)
      const jobs: UndoJob[] = [
        ...recheck.flatMap((r): UndoJob[] =>
          r.planned.request
            ? [{ row: r.planned.row, username: r.planned.username, request: r.planned.request }]
            : []
        ),
        ...users.map((r) => ({
          row: r.planned.row,
          username: r.planned.username,
          userId: r.outcome?.userId ?? ''
        }))
      ]
      return new BatchUndo(deps, ledger, deps.journals.open(batchId), jobs, options, release)
    } catch (error) {
      release()
      throw error
    }
  }

  protected leftCount(): number {
    return this.remaining
  }

  protected override completedState(): { state: BatchState; reason?: string } {
    if (this.unresolved || this.failures)
      return {
        state: 'stopped',
        reason: `Undo incomplete: ${this.failures} user(s) could not be deleted and ${this.unresolved} row(s) could not be checked. Run undo again.`
      }
    return { state: 'undone' }
  }

  private record(job: UndoJob): RowRecord {
    const record = this.ledger.rows.get(job.row)
    if (!record) throw new AppError('INTERNAL', `Row ${job.row} is not in batch ${this.batchId}.`)
    return record
  }

  private elsewhere(error: AppError): JobStep | undefined {
    if (isThrottled(error)) {
      const ms = this.deps.retryLaterMs ?? 5_000
      return {
        kind: 'later',
        afterMs: ms,
        note: `Throttled: AWS refused through every retry; going on in ${ms / 1000} s.`
      }
    }
    if (stopsTheRun(error))
      return {
        kind: 'stop',
        reason: `Undo stopped: ${error.message} Fix it, then undo batch ${this.batchId} again.`
      }
    return undefined
  }

  protected async step(job: UndoJob): Promise<JobStep> {
    const step = await (job.userId === undefined ? this.recheck(job) : this.delete(job, job.userId))
    if (step.kind === 'done') this.remaining--
    return step
  }

  /** An unanswered CreateUser of the batch: is the user there, and is it the batch's? */
  private async recheck(job: UndoJob): Promise<JobStep> {
    const request = job.request
    if (!request) return { kind: 'done' }
    let found
    try {
      found = await this.deps.gateway.findUser(this.context, job.username)
    } catch (caught) {
      const error = asAppError(caught)
      const elsewhere = this.elsewhere(error)
      if (elsewhere) return elsewhere
      this.unresolved++
      return { kind: 'done' }
    }
    const at = new Date().toISOString()
    const base = { type: 'outcome' as const, at, row: job.row, username: job.username }
    if (found && isRequestedUser(found, request)) {
      const message = 'Created before the run was interrupted: found by SearchUsers during undo.'
      this.write(
        { ...base, outcome: 'created', userId: found.id, userArn: found.arn, message },
        this.record(job)
      )
      this.audit({
        username: job.username,
        outcome: 'created',
        userId: found.id,
        userArn: found.arn,
        message
      })
      job.userId = found.id
      return { kind: 'again' }
    }
    if (found) {
      this.write(
        {
          ...base,
          outcome: 'exists',
          userId: found.id,
          errorCode: 'DuplicateResourceException',
          message: `A user named "${job.username}" exists and is not the one this batch asked for: left alone.`
        },
        this.record(job)
      )
      return { kind: 'done' }
    }
    this.write(
      {
        ...base,
        outcome: 'skipped',
        message: 'Not created: the run was interrupted before AWS made it (checked during undo).'
      },
      this.record(job)
    )
    return { kind: 'done' }
  }

  private async delete(job: UndoJob, userId: string): Promise<JobStep> {
    const record = this.record(job)
    this.write({ type: 'undo-intent', at: new Date().toISOString(), row: job.row, userId })
    const outcome = (result: 'deleted' | 'gone' | 'failed', message?: string): void =>
      this.write(
        {
          type: 'undo-outcome',
          at: new Date().toISOString(),
          row: job.row,
          userId,
          outcome: result,
          ...(message ? { message } : {})
        },
        record
      )
    try {
      const result = await this.deps.gateway.deleteUser(this.context, userId)
      const message =
        result === 'gone'
          ? `Undo of batch ${this.batchId}: the user was already gone.`
          : `Undo of batch ${this.batchId}.`
      outcome(result, result === 'gone' ? 'Already gone.' : undefined)
      this.audit({ username: job.username, outcome: 'deleted', userId, message })
      return { kind: 'done' }
    } catch (caught) {
      const error = asAppError(caught)
      const elsewhere = this.elsewhere(error)
      if (elsewhere) return elsewhere
      this.failures++
      outcome('failed', error.message)
      this.audit({
        username: job.username,
        outcome: 'failed',
        userId,
        errorCode: awsCodeOf(error) ?? error.code,
        message: `Undo of batch ${this.batchId}: DeleteUser failed. ${error.message}`
      })
      return { kind: 'done' }
    }
  }
}
