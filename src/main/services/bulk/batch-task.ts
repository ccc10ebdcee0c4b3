/**
 * What a bulk run and an undo share: the batch's lock, its journal and ledger (every entry written is
 * folded in, so progress never re-reads the file), the audit trail, progress with rate and ETA, and
 * pause / resume / cancel over the paced jobs.
 */
import type { InstanceContext } from '../../../shared/accounts'
import type { AuditEntry } from '../../../shared/activity'
import type {
  BatchProgress,
  BatchResultRow,
  BatchState,
  BatchSummary,
  JournalEntry
} from '../../../shared/bulk/types'
import { AppError } from '../../../shared/result'
import type { CreatedUser, FoundUser } from '../aws/create-user-once'
import type { Target } from '../aws/client-factory'
import type { Pace } from '../aws/pacing'
import type { CreateUserRequest } from '../../../shared/create-user'
import type { BatchJournal, BatchJournals, BatchLedger, RowRecord } from './journal'
import { PacedJobs, type JobStep } from './paced-jobs'

/** What bulk needs of the Connect gateway (ConnectGateway has all of it). */
export interface BulkGateway {
  createUser(
    context: InstanceContext,
    request: CreateUserRequest,
    onRetry?: (retry: { attempt: number; attempts: number; reason: string; delayMs: number }) => void
  ): Promise<CreatedUser>
  findUser(context: InstanceContext, username: string): Promise<FoundUser | undefined>
  deleteUser(context: InstanceContext, userId: string): Promise<'deleted' | 'gone'>
}

/** What the bulk services are built from. */
export interface BulkDeps {
  gateway: BulkGateway
  journals: BatchJournals
  audit: { append(entry: Omit<AuditEntry, 'time' | 'osUser'>): unknown }
  /** The pace of runs given none: the app's (Connect's default quota, just under). */
  defaultPace: Pace
  /** Paces every call to a target's account and Region (ClientFactory.setPace); for `--rate`. */
  setPace?(target: Target, pace: Pace): void
  /** Runs `work` holding the workstation-wide lock of `key`: one creator per username, as single create. */
  exclusively?<T>(key: string, work: () => Promise<T>): Promise<T>
  /** How long a row whose throttling outlasted every retry waits before it is sent again (5 s). */
  retryLaterMs?: number
}

/** How a run or an undo ended. */
export interface BatchTaskResult {
  batchId: string
  state: BatchState
  /** Why it stopped (users quota, credentials, network…), when it did. */
  reason?: string
  summary: BatchSummary
  results: BatchResultRow[]
}

/** Options both a run and an undo take. */
export interface TaskOptions {
  /** The account's rate for this run (a quota AWS raised); the app's default when absent. */
  pace?: Pace
  /** Told of every row's outcome, state change and note. */
  onProgress?(progress: BatchProgress): void
  /** Calls in flight at most; derived from the pace when absent. */
  concurrency?: number
}

const throttleCodes = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException'])
const stoppingAwsCodes = new Set([
  'LimitExceededException',
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'ExpiredToken'
])
const stoppingCodes = new Set([
  'CREDENTIALS',
  'NETWORK_TLS',
  'NETWORK_PROXY',
  'NETWORK_UNREACHABLE',
  'PROFILE_NOT_FOUND',
  'REGION_MISSING'
])

/** Any failure as an AppError. */
export function asAppError(error: unknown): AppError {
  return error instanceof AppError ? error : new AppError('INTERNAL', (error as Error).message)
}

/** The AWS error code of an AppError, if AWS answered. */
export function awsCodeOf(error: AppError): string | undefined {
  return error.is('AWS') ? error.details?.awsCode : undefined
}

/** True when AWS throttled the call and the shared retries ran out. */
export function isThrottled(error: AppError): boolean {
  const code = awsCodeOf(error)
  if (code === 'LimitExceededException') return false
  return Boolean(code && (throttleCodes.has(code) || (error.is('AWS') && error.details?.httpStatus === 429)))
}

/** True when every later row would fail the same way: the users quota, credentials, the network. */
export function stopsTheRun(error: AppError): boolean {
  const code = awsCodeOf(error)
  return stoppingCodes.has(error.code) || Boolean(code && stoppingAwsCodes.has(code))
}

/** A run or an undo of one batch: its journal, ledger, progress and controls. */
export abstract class BatchTask<J> {
  readonly done: Promise<BatchTaskResult>
  protected readonly context: InstanceContext
  protected readonly jobs: PacedJobs<J>
  private readonly finishedAt: number[] = []
  private readonly startedAt: number
  private note: { text: string; at: number } | undefined
  private last: BatchResultRow | undefined
  private state: BatchState = 'running'
  private ended = false

  constructor(
    protected readonly deps: BulkDeps,
    protected readonly ledger: BatchLedger,
    private readonly journal: BatchJournal,
    jobs: readonly J[],
    protected readonly options: TaskOptions,
    private readonly release: () => void,
    /** The state written when all jobs are done ('finished' for a run, 'undone' for an undo). */
    private readonly doneState: Exclude<BatchState, 'stopped' | 'cancelled'>
  ) {
    const { profile, region, instanceId } = ledger.plan.target
    this.context = { profile, region, instanceId }
    this.startedAt = this.now()
    const pace = options.pace ?? deps.defaultPace
    if (options.pace) deps.setPace?.({ profile, region }, options.pace)
    this.jobs = new PacedJobs(jobs, {
      pace,
      step: (job) => this.step(job),
      onNote: (note) => this.setNote(note),
      ...(options.concurrency ? { concurrency: options.concurrency } : {})
    })
    this.done = this.run()
  }

  /** The batch's ID. */
  get batchId(): string {
    return this.ledger.batchId
  }

  /** Stops handing out rows; the calls in flight finish. Journaled as `paused`. */
  pause(): void {
    if (this.ended || this.jobs.isPaused) return
    this.jobs.pause()
    this.setState('paused')
  }

  /** Goes on after a pause. */
  resume(): void {
    if (this.ended || !this.jobs.isPaused) return
    this.jobs.resume()
    this.setState('running')
  }

  /** Hands out no more rows; the calls in flight finish, then the batch is `cancelled`. */
  cancel(): void {
    if (this.ended) return
    this.jobs.resume()
    this.jobs.cancel()
  }

  /** Where the batch stands now. */
  progress(): BatchProgress {
    const now = this.now()
    while (this.finishedAt.length && (this.finishedAt[0] ?? 0) < now - 10_000) this.finishedAt.shift()
    const seconds = Math.max(1, Math.min(10, (now - this.startedAt) / 1000))
    const rate = this.finishedAt.length / seconds
    const left = this.leftCount()
    return {
      batchId: this.batchId,
      state: this.state,
      counts: { ...this.ledger.counts },
      rate: Math.round(rate * 100) / 100,
      ...(rate > 0 ? { etaSeconds: Math.ceil(left / rate) } : left === 0 ? { etaSeconds: 0 } : {}),
      ...(this.last ? { last: this.last } : {}),
      ...(this.note && now - this.note.at < 15_000 ? { note: this.note.text } : {})
    }
  }

  /** One step of one job (a call to AWS and its journaled outcome). */
  protected abstract step(job: J): Promise<JobStep>

  /** Rows (or users) still to do, for the ETA. */
  protected abstract leftCount(): number

  /** The state once every job is done; an undo that left users behind says so instead. */
  protected completedState(): { state: BatchState; reason?: string } {
    return { state: this.doneState }
  }

  protected now(): number {
    return Date.now()
  }

  /** Appends to the journal, folds it into the ledger; a finished row is reported as progress. */
  protected write(entry: JournalEntry, row?: RowRecord): void {
    this.journal.append(entry)
    this.ledger.apply(entry)
    if (row && (entry.type === 'outcome' || entry.type === 'undo-outcome')) {
      this.finishedAt.push(this.now())
      this.last = this.ledger.resultOf(row)
      this.emit()
    }
  }

  /** Audits one step of this batch (every create and delete of a batch is in audit.jsonl). */
  protected audit(entry: Omit<AuditEntry, 'time' | 'osUser' | keyof AuditTarget | 'batchId'>): void {
    const { profile, accountId, region, instanceId, instanceAlias } = this.ledger.plan.target
    this.deps.audit.append({
      profile,
      accountId,
      region,
      instanceId,
      instanceAlias,
      batchId: this.batchId,
      ...entry
    })
  }

  protected setNote(text: string): void {
    this.note = { text, at: this.now() }
    this.emit()
  }

  protected emit(): void {
    this.options.onProgress?.(this.progress())
  }

  private setState(state: BatchState, reason?: string): void {
    this.state = state
    this.write({ type: 'state', at: new Date().toISOString(), state, ...(reason ? { reason } : {}) })
    this.emit()
  }

  private async run(): Promise<BatchTaskResult> {
    // Let the constructor return first, so callers hold the task before its first event.
    await Promise.resolve()
    try {
      this.setState('running')
      const end = await this.jobs.run()
      const { state, reason } =
        end.end === 'finished'
          ? this.completedState()
          : {
              state: end.end === 'cancelled' ? ('cancelled' as const) : ('stopped' as const),
              reason: end.reason
            }
      this.ended = true
      this.setState(state, reason)
      return {
        batchId: this.batchId,
        state,
        ...(reason ? { reason } : {}),
        summary: this.ledger.summary(false),
        results: this.ledger.results()
      }
    } finally {
      this.ended = true
      this.release()
    }
  }
}

type AuditTarget = Pick<AuditEntry, 'profile' | 'accountId' | 'region' | 'instanceId' | 'instanceAlias'>
