/**
 * The engine under a bulk run and its undo: jobs handed out at a pace (the account's quota), a few in
 * flight at once, with pause, resume and cancel. Cancel and pause stop handing out turns at once; the
 * calls already in flight finish (their outcome is journaled), so nothing is left half-done.
 */
import { takeTurn, type Pace } from '../aws/pacing'

/** What became of one step of a job. */
export type JobStep =
  /** Finished: its outcome is recorded. */
  | { kind: 'done' }
  /** Take another turn at once (a re-check that found nothing, so the row is sent next). */
  | { kind: 'again' }
  /** AWS kept throttling past the retries: hand out no turn for `afterMs`, then try this job first. */
  | { kind: 'later'; afterMs: number; note: string }
  /** The run cannot go on (users quota, credentials, network): this job and the rest are left. */
  | { kind: 'stop'; reason: string }

/** How a run of jobs ended; `left` are the jobs never finished (in their order). */
export interface JobsEnd<J> {
  end: 'finished' | 'cancelled' | 'stopped'
  reason?: string
  left: J[]
}

/** How many jobs may be in flight for a pace: enough to keep the quota busy at a few hundred ms a call. */
export function concurrencyFor(pace: Pace): number {
  return Math.max(2, Math.min(32, Math.ceil(pace.perSecond) + 1))
}

/**
 * Runs `jobs` through `step`, at most `concurrency` at once, starting one per turn of `pace`. The pace
 * here only decides when a job starts, so pause and cancel never leave a call waiting to go out; the
 * calls themselves still take their turns from the account's shared pacer.
 */
export class PacedJobs<J> {
  private readonly queue: J[]
  private level: { tokens: number; at: number }
  private holdUntil = 0
  private paused = false
  private ending: { end: 'cancelled' | 'stopped'; reason?: string } | undefined
  /** Workers asleep, each woken early by `poke`. */
  private readonly sleepers = new Set<() => void>()
  private readonly inFlight = new Set<J>()

  constructor(
    jobs: readonly J[],
    private readonly options: {
      pace: Pace
      concurrency?: number
      step: (job: J) => Promise<JobStep>
      /** Told when a job waits for a cool-down (throttling) so progress can say so. */
      onNote?: (note: string) => void
    }
  ) {
    this.queue = [...jobs]
    this.level = { tokens: options.pace.burst, at: Date.now() }
  }

  /** True while paused. */
  get isPaused(): boolean {
    return this.paused
  }

  /** Hands out no more turns until `resume`; calls in flight finish. */
  pause(): void {
    this.paused = true
    this.poke()
  }

  resume(): void {
    this.paused = false
    this.poke()
  }

  /** Hands out no more turns; the calls in flight finish, then the run ends `cancelled`. */
  cancel(): void {
    this.ending ??= { end: 'cancelled' }
    this.poke()
  }

  /** Ends the run as `stopped` with `reason` (the calls in flight finish first). */
  stop(reason: string): void {
    this.ending ??= { end: 'stopped', reason }
    this.poke()
  }

  /** Runs every job (or until cancelled or stopped) and says how it ended. */
  async run(): Promise<JobsEnd<J>> {
    const workers = Array.from(
      { length: Math.max(1, this.options.concurrency ?? concurrencyFor(this.options.pace)) },
      () => this.worker()
    )
    await Promise.all(workers)
    const ending = this.ending
    if (ending) return { ...ending, left: [...this.queue] }
    return { end: 'finished', left: [] }
  }

  private async worker(): Promise<void> {
    const inFlight = this.inFlight
    for (;;) {
      if (!(await this.turn())) return
      const job = this.queue.shift()
      if (job === undefined) continue // another worker took the last one meanwhile
      inFlight.add(job)
      let step: JobStep
      try {
        step = await this.options.step(job)
      } catch (error) {
        // A bug or an unwritable journal: stop rather than send rows whose outcome cannot be kept.
        step = { kind: 'stop', reason: (error as Error).message }
      }
      inFlight.delete(job)
      if (step.kind === 'again') this.queue.unshift(job)
      else if (step.kind === 'later') {
        this.queue.unshift(job)
        this.holdUntil = Math.max(this.holdUntil, Date.now() + step.afterMs)
        this.options.onNote?.(step.note)
      } else if (step.kind === 'stop') {
        this.queue.unshift(job)
        this.stop(step.reason)
      }
      this.poke() // a job may be back in the queue, or the last one done: waiting workers look again
    }
  }

  /** Waits for this worker's next turn; false when the run is over (cancelled, stopped, or no jobs). */
  private async turn(): Promise<boolean> {
    for (;;) {
      if (this.ending) return false
      if (this.queue.length === 0) {
        if (this.inFlight.size === 0) return false
        // The jobs in flight may come back (throttled, or to be sent after a re-check): wait for them.
        await this.sleep(60_000)
        continue
      }
      if (this.paused) {
        await this.sleep(60_000)
        continue
      }
      const now = Date.now()
      if (now < this.holdUntil) {
        await this.sleep(this.holdUntil - now)
        continue
      }
      // A turn is only taken when it is due now; otherwise wait for it and look again, so a pause or a
      // cancel meanwhile leaves no turn promised.
      const turn = takeTurn(this.options.pace, this.level, now)
      if (turn.waitMs === 0) {
        this.level = turn.level
        return true
      }
      await this.sleep(turn.waitMs)
    }
  }

  /** Sleeps `ms`, or less when `poke` wakes the workers. */
  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer)
        this.sleepers.delete(wake)
        resolve()
      }
      const timer = setTimeout(wake, Math.max(0, ms))
      this.sleepers.add(wake)
    })
  }

  /** Wakes every waiting worker to look at the state again. */
  private poke(): void {
    for (const wake of [...this.sleepers]) wake()
  }
}
