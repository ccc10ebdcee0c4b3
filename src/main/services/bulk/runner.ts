/**
 * Runs a bulk plan: the plan is journaled first, then each row to create gets an `intent` (fsync'd)
 * before its CreateUser and an `outcome` after it. CreateUser goes through the gateway, which never
 * creates anyone twice and takes each attempt's turn from the account's shared pacer.
 *
 * - Throttling never fails a row: the gateway retries it; if AWS still throttles when its retries run
 *   out, the row goes back to the front of the queue and the whole batch waits a cool-down (5 s) before
 *   sending it again, as often as it takes. (Cancel stops that.)
 * - The users quota (LimitExceededException), credentials and network failures stop the run with their
 *   message: every later row would fail the same way. The rows left can be resumed.
 * - Resume re-checks every row that has an intent and no outcome (or an unknown outcome) with SearchUsers
 *   EXACT before anything is sent: found and it is the user asked for, it is created (recovered); found
 *   and it is someone else's, it exists; not found, it is sent again.
 * - Passwords are held in memory only: those from the CSV are given again on resume, and generated ones
 *   lost with an interrupted run are generated anew (and reported as such).
 */
import type { BatchProgress, BulkPlan } from '../../../shared/bulk/types'
import { generatePassword, maskRequest, type CreateUserRequest } from '../../../shared/create-user'
import { AppError } from '../../../shared/result'
import { isRequestedUser } from '../aws/create-user-once'
import {
  asAppError,
  awsCodeOf,
  BatchTask,
  isThrottled,
  stopsTheRun,
  type BatchTaskResult,
  type BulkDeps,
  type TaskOptions
} from './batch-task'
import type { BatchJournal, BatchLedger, PlanRow, RowRecord } from './journal'
import type { JobStep } from './paced-jobs'

/** A password generated for a row, handed out once (to be saved where the admin chooses). */
export interface GeneratedPassword {
  row: number
  username: string
  password: string
  /** Generated on resume: the first one was lost with an interrupted run. */
  regenerated: boolean
}

/** Options of a run. */
export interface RunOptions extends TaskOptions {
  /** Told once per created row whose password was generated. */
  onGeneratedPassword?(generated: GeneratedPassword): void
}

/** What a resume needs given again: passwords of rows whose password came from the CSV. */
export interface ResumeInput {
  /** By row number: the same CSV's passwords (the journal never holds them). */
  passwords?: ReadonlyMap<number, string>
}

/** What a resume of a batch has to do, and what it needs for it. */
export interface ResumeNeeds {
  /** Rows sent without an answer (or with an unknown outcome): looked up before anything is sent. */
  recheck: number
  /** Rows never sent. */
  unsent: number
  /** Rows whose password came from the CSV: the same CSV must be given again. */
  csvPasswordRows: Array<{ row: number; username: string }>
  /** Rows whose generated password died with the run: new ones are generated. */
  generatedRows: Array<{ row: number; username: string }>
}

interface Job {
  row: number
  username: string
  /** The request, with its real password (memory only). */
  request: CreateUserRequest
  generated: boolean
  regenerated: boolean
  /** Look the user up before sending (resume of an unanswered intent). */
  recheck: boolean
  /** An earlier attempt may have reached AWS: a duplicate is looked up before it is believed. */
  sentBefore: boolean
}

/** Consecutive unknown outcomes after which AWS is taken to have stopped answering. */
const unknownStreakLimit = 3

/** A password whose first character no spreadsheet reads as a formula. */
function freshPassword(): string {
  for (;;) {
    const password = generatePassword()
    if (/^[A-Za-z0-9]/.test(password)) return password
  }
}

/** One running (or resumed) batch: pause, resume, cancel, progress, and the outcome when it ends. */
export class BulkRun extends BatchTask<Job> {
  private readonly generated: GeneratedPassword[] = []
  private unknownStreak = 0

  constructor(
    deps: BulkDeps,
    ledger: BatchLedger,
    journal: BatchJournal,
    jobs: Job[],
    protected override readonly options: RunOptions,
    release: () => void
  ) {
    super(deps, ledger, journal, jobs, options, release, 'finished')
  }

  /** The passwords generated for rows created so far (memory only; the app offers to save them once). */
  generatedPasswords(): GeneratedPassword[] {
    return [...this.generated]
  }

  protected leftCount(): number {
    return this.ledger.counts.left
  }

  protected async step(job: Job): Promise<JobStep> {
    return job.recheck ? this.recheck(job) : this.send(job)
  }

  private record(job: Job): RowRecord {
    const record = this.ledger.rows.get(job.row)
    if (!record) throw new AppError('INTERNAL', `Row ${job.row} is not in batch ${this.batchId}.`)
    return record
  }

  private outcome(
    job: Job,
    fields: {
      outcome: 'created' | 'exists' | 'failed' | 'unknown'
      userId?: string
      userArn?: string
      errorCode?: string
      message?: string
    }
  ): void {
    this.write(
      { type: 'outcome', at: new Date().toISOString(), row: job.row, username: job.username, ...fields },
      this.record(job)
    )
    const audited = fields.outcome === 'exists' ? 'failed' : fields.outcome
    this.audit({
      username: job.username,
      outcome: audited,
      request: maskRequest(job.request),
      ...(fields.userId ? { userId: fields.userId } : {}),
      ...(fields.userArn ? { userArn: fields.userArn } : {}),
      ...(fields.errorCode ? { errorCode: fields.errorCode } : {}),
      ...(fields.message ? { message: fields.message } : {})
    })
    if (fields.outcome === 'unknown') this.unknownStreak++
    else this.unknownStreak = 0
  }

  /** Records a created row; its generated password is handed out unless it was lost with a crash. */
  private created(job: Job, userId: string, userArn: string, notes: string[], passwordLost = false): void {
    if (job.regenerated && !passwordLost)
      notes.push('Its password was generated on resume: the one planned was lost with the interrupted run.')
    this.outcome(job, {
      outcome: 'created',
      userId,
      userArn,
      ...(notes.length ? { message: notes.join(' ') } : {})
    })
    if (job.generated && !passwordLost) {
      const entry = {
        row: job.row,
        username: job.username,
        password: job.request.Password ?? '',
        regenerated: job.regenerated
      }
      this.generated.push(entry)
      this.options.onGeneratedPassword?.(entry)
    }
  }

  /** What to do after a failure that is not the row's own: retry later, or stop the run. */
  private notTheRows(job: Job, error: AppError): JobStep | undefined {
    if (isThrottled(error)) {
      const seconds = Math.round((this.deps.retryLaterMs ?? 5_000) / 100) / 10
      return {
        kind: 'later',
        afterMs: this.deps.retryLaterMs ?? 5_000,
        note: `Throttled: AWS refused row ${job.row} (${job.username}) through every retry; it goes again in ${seconds} s.`
      }
    }
    if (stopsTheRun(error)) {
      const quota = awsCodeOf(error) === 'LimitExceededException'
      const { instanceAlias, accountId } = this.ledger.plan.target
      return {
        kind: 'stop',
        reason: quota
          ? `Stopped: instance ${instanceAlias} (${accountId}) has reached its users quota, so no more users can be created there. Raise "Users per instance" in Service Quotas (or delete unused users), then resume batch ${this.batchId}. AWS said: ${error.message}`
          : `Stopped at row ${job.row}: ${error.message} Fix it, then resume batch ${this.batchId}.`
      }
    }
    return undefined
  }

  private async send(job: Job): Promise<JobStep> {
    const { accountId, instanceId } = this.ledger.plan.target
    this.write({ type: 'intent', at: new Date().toISOString(), row: job.row, username: job.username })
    const create = (): ReturnType<BulkDeps['gateway']['createUser']> =>
      this.deps.gateway.createUser(this.context, job.request, ({ attempt, attempts, reason }) =>
        this.setNote(`${reason}, retrying row ${job.row} (${attempt} of ${attempts})…`)
      )
    try {
      const key = `create|${accountId}|${instanceId}|${job.username.toLowerCase()}`
      const user = this.deps.exclusively ? await this.deps.exclusively(key, create) : await create()
      const notes: string[] = []
      if (user.recoveredAfterAmbiguity)
        notes.push('AWS’s answer was lost; the user was looked up afterwards and is this batch’s.')
      this.created(job, user.userId, user.userArn, notes)
      if (user.attempts > 1)
        this.setNote(
          `Row ${job.row} needed ${user.attempts} attempts (throttling or server errors, retried).`
        )
      return { kind: 'done' }
    } catch (caught) {
      const error = asAppError(caught)
      const elsewhere = this.notTheRows(job, error)
      if (elsewhere) {
        job.sentBefore = true
        return elsewhere
      }
      const code = awsCodeOf(error)
      if (code === 'DuplicateResourceException') return this.duplicate(job, error)
      if (error.is('OUTCOME_UNKNOWN')) {
        job.sentBefore = true
        this.outcome(job, { outcome: 'unknown', errorCode: 'OUTCOME_UNKNOWN', message: error.message })
        if (this.unknownStreak >= unknownStreakLimit)
          return {
            kind: 'stop',
            reason: `Stopped: AWS stopped answering (${this.unknownStreak} rows in a row with an unknown outcome). Resume batch ${this.batchId} later: it checks those rows before sending anything.`
          }
        return { kind: 'done' }
      }
      this.outcome(job, { outcome: 'failed', errorCode: code ?? error.code, message: error.message })
      return { kind: 'done' }
    }
  }

  /**
   * The username is taken. For a row sent before (a lost answer, a throttled retry, a resume) it may be
   * this batch's own user, so it is looked up and compared with the request; otherwise it is someone
   * else's user, created since the plan: the row is skipped as existing (and never undone).
   */
  private async duplicate(job: Job, error: AppError): Promise<JobStep> {
    if (job.sentBefore) {
      try {
        const found = await this.deps.gateway.findUser(this.context, job.username)
        if (found && isRequestedUser(found, job.request)) {
          this.created(job, found.id, found.arn, [
            'An earlier attempt had created it: found by SearchUsers and matched with the request.'
          ])
          return { kind: 'done' }
        }
      } catch (caught) {
        const lookup = asAppError(caught)
        this.outcome(job, {
          outcome: 'unknown',
          errorCode: 'OUTCOME_UNKNOWN',
          message: `The username is taken and the lookup that would tell whose user it is failed: ${lookup.message}`
        })
        return { kind: 'done' }
      }
    }
    this.outcome(job, {
      outcome: 'exists',
      errorCode: 'DuplicateResourceException',
      message: `A user named "${job.username}" was created by someone else after the plan: skipped (this batch never undoes it). ${error.message}`
    })
    return { kind: 'done' }
  }

  /** Resume: is the row's user there already? Nothing is sent before this answers. */
  private async recheck(job: Job): Promise<JobStep> {
    let found
    try {
      found = await this.deps.gateway.findUser(this.context, job.username)
    } catch (caught) {
      const error = asAppError(caught)
      const elsewhere = this.notTheRows(job, error)
      if (elsewhere) return elsewhere
      this.outcome(job, {
        outcome: 'unknown',
        errorCode: 'OUTCOME_UNKNOWN',
        message: `Could not be checked (nothing was sent): ${error.message}`
      })
      return { kind: 'done' }
    }
    job.recheck = false
    if (found && isRequestedUser(found, job.request)) {
      const notes = [
        'Created before the run was interrupted: found by SearchUsers and matched with the request.'
      ]
      if (job.generated)
        notes.push('Its generated password was lost with the interrupted run: reset it in Amazon Connect.')
      this.created(job, found.id, found.arn, notes, job.generated)
      return { kind: 'done' }
    }
    if (found) {
      this.outcome(job, {
        outcome: 'exists',
        errorCode: 'DuplicateResourceException',
        userId: found.id,
        message: `A user named "${job.username}" exists and is not the one this batch asked for: left alone (this batch never undoes it).`
      })
      return { kind: 'done' }
    }
    // Not there: send it (with its next turn), knowing an attempt may have been made.
    job.sentBefore = true
    return { kind: 'again' }
  }

  /** A run of a new plan: journals it and starts the rows to create. */
  static start(deps: BulkDeps, plan: BulkPlan, options: RunOptions = {}): BulkRun {
    const { journal, ledger } = deps.journals.create(plan)
    const release = deps.journals.lock(journal.batchId)
    const jobs: Job[] = []
    for (const row of plan.rows) {
      if (row.status !== 'create') continue
      jobs.push({
        row: row.row,
        username: row.username,
        request: row.request,
        generated: row.generatedPassword,
        regenerated: false,
        recheck: false,
        sentBefore: false
      })
    }
    return new BulkRun(deps, ledger, journal, jobs, options, release)
  }

  /** What resuming `batchId` would do, and which passwords it needs. */
  static needs(deps: BulkDeps, batchId: string): ResumeNeeds {
    const { ledger } = deps.journals.readBatch(batchId)
    const { recheck, unsent } = ledger.unfinished()
    const rows = [...recheck, ...unsent].map((r) => r.planned)
    const pick = (r: PlanRow): { row: number; username: string } => ({ row: r.row, username: r.username })
    return {
      recheck: recheck.length,
      unsent: unsent.length,
      csvPasswordRows: rows.filter((r) => r.hasPassword && !r.generatedPassword).map(pick),
      generatedRows: rows.filter((r) => r.generatedPassword).map(pick)
    }
  }

  /**
   * Resumes an interrupted, stopped, cancelled or paused batch: rows sent without an answer are
   * re-checked first, then the rows never sent are sent. Passwords from the CSV must be given again.
   */
  static resume(deps: BulkDeps, batchId: string, input: ResumeInput = {}, options: RunOptions = {}): BulkRun {
    const release = deps.journals.lock(batchId)
    try {
      const { ledger } = deps.journals.readBatch(batchId)
      const state = ledger.recordedState
      if (state === 'undone')
        throw new AppError(
          'INVALID_REQUEST',
          `Batch ${batchId} was undone: it cannot be resumed. Plan the file again.`
        )
      const { recheck, unsent } = ledger.unfinished()
      const missing: number[] = []
      const jobOf = (r: RowRecord, again: boolean): Job => {
        const planned = r.planned
        if (!planned.request)
          throw new AppError(
            'INTERNAL',
            `Row ${planned.row} of batch ${batchId} has no request in its journal.`
          )
        let password: string | undefined
        if (planned.generatedPassword) password = freshPassword()
        else if (planned.hasPassword) {
          password = input.passwords?.get(planned.row)
          if (!password) missing.push(planned.row)
        }
        const { Password: _masked, ...rest } = planned.request
        return {
          row: planned.row,
          username: planned.username,
          request: { ...rest, ...(password !== undefined ? { Password: password } : {}) },
          generated: Boolean(planned.generatedPassword),
          regenerated: Boolean(planned.generatedPassword),
          recheck: again,
          sentBefore: again
        }
      }
      const jobs = [...recheck.map((r) => jobOf(r, true)), ...unsent.map((r) => jobOf(r, false))]
      if (missing.length)
        throw new AppError(
          'INVALID_REQUEST',
          `Rows ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ` and ${missing.length - 10} more` : ''} need their passwords from the CSV again (the journal never keeps them): give the same file.`
        )
      return new BulkRun(deps, ledger, deps.journals.open(batchId), jobs, options, release)
    } catch (error) {
      release()
      throw error
    }
  }
}

/** The result of a run, as its `done` resolves. */
export type BulkRunResult = BatchTaskResult

/** Progress, as the runner reports it. */
export type BulkRunProgress = BatchProgress
