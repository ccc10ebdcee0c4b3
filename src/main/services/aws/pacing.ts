/**
 * Client-side pacing for AWS's API quotas. Connect throttles each account and Region with one token
 * bucket shared by every operation (2 requests/second, bursts of 5, by default); the app keeps the same
 * bucket on its side, so calls wait their turn instead of being throttled. The bucket lives in a small
 * file in the data folder, so the app and every CLI process on the workstation share one quota.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'
import { connectRules } from '../../../shared/connect-rules'
import { acquireFileLock } from '../file-lock'

/** A request rate: steady requests per second, and how many may go at once. */
export interface Pace {
  perSecond: number
  burst: number
}

/**
 * Connect's documented default API quota per account and Region (2/s, bursts of 5), with a burst one
 * short: the spare token absorbs network jitter, so requests sent in step never arrive too close.
 */
export const connectDefaultPace: Pace = {
  perSecond: connectRules.apiRate.perSecond,
  burst: connectRules.apiRate.burst - 1
}

/** A bucket's level at a moment (epoch milliseconds). */
interface Level {
  tokens: number
  at: number
}

/** Takes one turn from `level` at `now`: the new level and how long the caller waits (0 = go now). */
export function takeTurn(pace: Pace, level: Level, now: number): { level: Level; waitMs: number } {
  const elapsed = Math.max(0, now - level.at)
  // Tokens below zero are turns already promised to earlier callers; this caller waits behind them.
  const tokens = Math.min(pace.burst, level.tokens + (elapsed / 1000) * pace.perSecond) - 1
  return {
    level: { tokens, at: Math.max(now, level.at) },
    waitMs: tokens >= 0 ? 0 : (-tokens / pace.perSecond) * 1000
  }
}

/**
 * The turn a caller waiting for the bucket takes when it wakes: the bucket's level is read at the
 * moment the turn is used (`at`, no earlier than the caller's planned wake), so time the caller slept
 * past its turn (a GC pause, a busy machine) refills the bucket only up to the burst, as it refills
 * AWS's. Turns promised ahead of time would instead all fall due during such a pause and go out at
 * once, more than the burst, and AWS would throttle them. `waitMs` > 0: not yet due, look again then.
 * The level is kept as of `now` (a turn used at a planned wake still ahead of `now` is owed from now).
 */
export function turnAt(pace: Pace, level: Level, now: number, at: number): { level: Level; waitMs: number } {
  const use = Math.max(now, at)
  const from = Math.max(use, level.at)
  const tokens =
    Math.min(pace.burst, level.tokens + (Math.max(0, use - level.at) / 1000) * pace.perSecond) - 1
  if (tokens < 0) {
    // Not due: the token this caller needs is back at `from` + the deficit, whoever else waits meanwhile.
    return { level, waitMs: from - now + (-tokens / pace.perSecond) * 1000 }
  }
  const owed = ((use - now) / 1000) * pace.perSecond
  return { level: { tokens: tokens - owed, at: now }, waitMs: 0 }
}

/** The clock and timer a bucket uses; tests pass fake ones. */
export interface Clock {
  now(): number
  sleep(ms: number): Promise<void>
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms))
}

/** Hands out turns; `take` resolves when the caller may send. */
export interface Pacer {
  take(): Promise<void>
}

/**
 * Hands out a process's turns in call order: each caller waits for the one before it to have its turn,
 * then `use` tries at the moment planned (now, at first) and says how long to wait when it is not due.
 * A turn is used when it goes, never promised ahead (see `turnAt`).
 */
class TurnQueue {
  private last: Promise<void> = Promise.resolve()

  constructor(private readonly clock: Clock) {}

  take(use: (at: number) => number | Promise<number>): Promise<void> {
    const turn = this.last.then(async () => {
      let at = this.clock.now()
      for (;;) {
        const waitMs = await use(at)
        if (waitMs <= 0) return
        at = this.clock.now() + waitMs
        await this.clock.sleep(waitMs)
      }
    })
    this.last = turn.catch(() => {})
    return turn
  }
}

/** A token bucket in this process only, handing out turns in call order. */
export class TokenBucket implements Pacer {
  private level: Level
  private readonly queue: TurnQueue

  constructor(
    private readonly pace: Pace,
    private readonly clock: Clock = systemClock
  ) {
    this.level = { tokens: pace.burst, at: clock.now() }
    this.queue = new TurnQueue(clock)
  }

  take(): Promise<void> {
    return this.queue.take((at) => {
      const turn = turnAt(this.pace, this.level, this.clock.now(), at)
      this.level = turn.level
      return turn.waitMs
    })
  }
}

/** How long a lock may be held before it is taken as left behind by a killed process. */
const staleLockMs = 2_000

/**
 * A token bucket kept in a file, shared by every process that opens the same file: the app and CLI
 * processes running at once take turns from one quota. Each turn is a few microseconds under a lock
 * file (created exclusively; one left by a killed process is broken after two seconds), so processes
 * interleave fairly. A caller that has to wait holds no place in the file: it looks again when its
 * turn should be due (see `turnAt`), and whichever process comes first then has it; within a process
 * turns go in call order. A file that cannot be read is a full bucket: pacing never fails a call.
 */
export class SharedTokenBucket implements Pacer {
  private readonly lock: string
  private readonly queue: TurnQueue

  constructor(
    private readonly file: string,
    private readonly pace: Pace,
    private readonly clock: Clock = systemClock
  ) {
    this.lock = `${file}.lock`
    this.queue = new TurnQueue(clock)
  }

  take(): Promise<void> {
    return this.queue.take(async (at) => {
      const release = await acquireFileLock(this.lock, {
        staleMs: staleLockMs,
        pollMs: 2,
        now: this.clock.now,
        sleep: this.clock.sleep
      }).catch(() => () => {}) // no lock possible (read-only folder): go unlocked rather than fail
      try {
        const turn = turnAt(this.pace, this.read(), this.clock.now(), at)
        if (turn.waitMs <= 0) writeFileSync(this.file, JSON.stringify(turn.level), { mode: 0o600 })
        return turn.waitMs
      } catch {
        return 0
      } finally {
        release()
      }
    })
  }

  private read(): Level {
    try {
      const level = JSON.parse(readFileSync(this.file, 'utf8')) as Partial<Level>
      if (Number.isFinite(level.tokens) && Number.isFinite(level.at)) {
        // A level from a different (lower) burst, or one far in the future (clock changed), is clamped.
        const at = Math.min(level.at as number, this.clock.now() + 60_000)
        return { tokens: Math.min(level.tokens as number, this.pace.burst), at }
      }
    } catch {
      // Missing or unreadable: start full.
    }
    return { tokens: this.pace.burst, at: this.clock.now() }
  }
}

/** Shared buckets per key (an account or profile, and a Region) in `folder`, one object per key. */
export class PacerPool {
  private readonly pacers = new Map<string, Pacer>()
  /** Paces set for one key (an account whose quota AWS raised), instead of the pool's. */
  private readonly paces = new Map<string, Pace>()

  constructor(
    private readonly folder: string | undefined,
    private readonly pace: Pace,
    private readonly clock: Clock = systemClock
  ) {}

  /** The pacer for `key`; without a folder (or one that cannot be made) the bucket is this process's. */
  for(key: string): Pacer {
    let pacer = this.pacers.get(key)
    if (!pacer) {
      pacer = this.build(key)
      this.pacers.set(key, pacer)
    }
    return pacer
  }

  /** Paces `key` at `pace` from now on (its next turn is taken under the new pace). */
  setPace(key: string, pace: Pace): void {
    this.paces.set(key, pace)
    this.pacers.delete(key)
  }

  private build(key: string): Pacer {
    const pace = this.paces.get(key) ?? this.pace
    if (this.folder) {
      const dir = join(this.folder, 'pace')
      try {
        mkdirSync(dir, { recursive: true, mode: 0o700 })
        const name = createHash('sha256').update(key).digest('hex').slice(0, 24)
        return new SharedTokenBucket(join(dir, `${name}.json`), pace, this.clock)
      } catch {
        // A read-only data folder: pace this process alone.
      }
    }
    return new TokenBucket(pace, this.clock)
  }
}
