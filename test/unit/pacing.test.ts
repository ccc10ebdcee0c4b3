/** Token buckets under a fake clock: turns, refills, and one quota shared by several "processes". */
import { mkdtempSync, readFileSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  PacerPool,
  SharedTokenBucket,
  TokenBucket,
  takeTurn,
  type Clock,
  type Pace
} from '../../src/main/services/aws/pacing'

/** A clock whose time moves only when a caller sleeps (by the time slept) or the test says so. */
function fakeClock(start = 1_000_000): Clock & { waits: number[]; advance(ms: number): void } {
  let now = start
  const waits: number[] = []
  return {
    waits,
    now: () => now,
    advance: (ms) => {
      now += ms
    },
    sleep: (ms) => {
      waits.push(ms)
      return Promise.resolve()
    }
  }
}

const connect: Pace = { perSecond: 2, burst: 4 }

describe('takeTurn', () => {
  it('lets a burst go at once, then spaces turns at the rate, promising future turns in order', () => {
    let level = { tokens: 4, at: 0 }
    const waits: number[] = []
    for (let i = 0; i < 7; i++) {
      const turn = takeTurn(connect, level, 0)
      level = turn.level
      waits.push(turn.waitMs)
    }
    expect(waits).toEqual([0, 0, 0, 0, 500, 1000, 1500])
  })

  it('refills at the rate up to the burst, never beyond', () => {
    const emptied = { tokens: 0, at: 0 }
    expect(takeTurn(connect, emptied, 250).waitMs).toBe(250) // half a token back: wait for the other half
    expect(takeTurn(connect, emptied, 60_000).level.tokens).toBe(3) // full (4), minus this turn
  })
})

describe('TokenBucket', () => {
  it('waits exactly as long as the quota demands', async () => {
    const clock = fakeClock()
    const bucket = new TokenBucket(connect, clock)
    for (let i = 0; i < 6; i++) await bucket.take()
    expect(clock.waits).toEqual([500, 1000])
    clock.advance(10_000)
    await bucket.take()
    expect(clock.waits).toEqual([500, 1000]) // refilled: no wait
  })
})

describe('SharedTokenBucket', () => {
  const fileIn = (): string => join(mkdtempSync(join(tmpdir(), 'cp-pace-')), 'bucket.json')

  it('shares one quota between two holders of the same file, as two processes would', async () => {
    const clock = fakeClock()
    const file = fileIn()
    const app = new SharedTokenBucket(file, connect, clock)
    const cli = new SharedTokenBucket(file, connect, clock)
    for (let i = 0; i < 3; i++) {
      await app.take()
      await cli.take()
    }
    // Six turns from one bucket of four: the fifth and sixth wait, whoever takes them.
    expect(clock.waits).toEqual([500, 1000])
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ tokens: -2 })
  })

  it('starts full from a missing or unreadable file, and never fails a call over it', async () => {
    const clock = fakeClock()
    const file = fileIn()
    writeFileSync(file, 'not json')
    const bucket = new SharedTokenBucket(file, connect, clock)
    for (let i = 0; i < 4; i++) await bucket.take()
    expect(clock.waits).toEqual([])
  })

  it('breaks a lock left behind by a killed process', async () => {
    const clock = fakeClock(Date.now())
    const file = fileIn()
    writeFileSync(`${file}.lock`, '')
    const old = (Date.now() - 10_000) / 1000
    utimesSync(`${file}.lock`, old, old)
    await new SharedTokenBucket(file, connect, clock).take()
    expect(clock.waits.length).toBeLessThanOrEqual(1) // at most one short retry before breaking it
  })
})

describe('PacerPool', () => {
  it('gives one pacer per key, kept in the data folder', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'cp-pool-'))
    const clock = fakeClock()
    const pool = new PacerPool(folder, connect, clock)
    expect(pool.for('account:1|us-east-1')).toBe(pool.for('account:1|us-east-1'))
    expect(pool.for('account:1|us-east-1')).not.toBe(pool.for('account:1|eu-west-2'))
    for (let i = 0; i < 5; i++) await pool.for('account:1|us-east-1').take()
    // A second pool on the same folder (another process) continues the same bucket.
    await new PacerPool(folder, connect, clock).for('account:1|us-east-1').take()
    expect(clock.waits).toEqual([500, 1000])
  })
})

/**
 * A clock whose timers fire only when the test moves time: `run` moves it step by step, firing each
 * timer when it is due; `pause` jumps at once, as when the process was held up (a GC pause, a busy
 * machine), so every timer due meanwhile fires late, all at the new time.
 */
function steppedClock(start = 1_000_000): Clock & {
  run(ms: number): Promise<void>
  pause(ms: number): Promise<void>
} {
  let now = start
  const timers: Array<{ at: number; fire: () => void }> = []
  // File locks and promise chains settle within a few turns of the event loop.
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve))
  }
  const fireDue = async (): Promise<void> => {
    for (;;) {
      await settle()
      timers.sort((a, b) => a.at - b.at)
      const next = timers[0]
      if (!next || next.at > now) return
      timers.shift()
      next.fire()
    }
  }
  return {
    now: () => now,
    sleep: (ms) => new Promise<void>((fire) => timers.push({ at: now + ms, fire })),
    async run(ms) {
      const end = now + ms
      for (;;) {
        await fireDue()
        timers.sort((a, b) => a.at - b.at)
        const next = timers[0]
        if (!next || next.at > end) break
        now = Math.max(now, next.at)
      }
      now = end
      await fireDue()
    },
    async pause(ms) {
      now += ms
      await fireDue()
    }
  }
}

describe('a turn slept past (the process was paused)', () => {
  /** Starts `count` takes at once and records the time each one goes. */
  const start = (pacer: { take(): Promise<void> }, clock: Clock, count: number, sent: number[]): void => {
    for (let i = 0; i < count; i++) void pacer.take().then(() => sent.push(clock.now()))
  }
  const atOnce = (sent: number[], at: number): number => sent.filter((t) => t === at).length

  it('goes against the bucket as it is when it wakes: after a pause, never more than the burst at once', async () => {
    const clock = steppedClock()
    const t0 = clock.now()
    const bucket = new TokenBucket(connect, clock)
    const sent: number[] = []
    start(bucket, clock, 8, sent) // 4 go, 4 wait for turns due at +0.5, +1, +1.5, +2 s
    await clock.run(0)
    expect(sent).toEqual([t0, t0, t0, t0])
    await clock.pause(3_000) // held up past all four turns
    start(bucket, clock, 4, sent) // and more callers as the process goes on
    await clock.run(0)
    // The bucket refilled to its burst (4) during the pause, not beyond: the four late turns go, the
    // newcomers wait. Turns promised ahead would all go now, with two newcomers: 6 at once.
    expect(atOnce(sent, t0 + 3_000)).toBe(connect.burst)
    await clock.run(5_000)
    expect(sent.slice(8).map((t) => t - t0)).toEqual([3_500, 4_000, 4_500, 5_000])
  })

  it('uses each turn once: on time, turns go at the rate exactly, in call order', async () => {
    const clock = steppedClock()
    const t0 = clock.now()
    const bucket = new TokenBucket(connect, clock)
    const order: number[] = []
    const sent: number[] = []
    for (let i = 0; i < 10; i++)
      void bucket.take().then(() => {
        order.push(i)
        sent.push(clock.now() - t0)
      })
    await clock.run(10_000)
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(sent).toEqual([0, 0, 0, 0, 500, 1000, 1500, 2000, 2500, 3000])
  })

  it('holds across processes sharing the bucket file: the burst is the most that goes at once after a pause', async () => {
    const clock = steppedClock()
    const t0 = clock.now()
    const file = join(mkdtempSync(join(tmpdir(), 'cp-pace-')), 'bucket.json')
    const app = new SharedTokenBucket(file, connect, clock)
    const cli = new SharedTokenBucket(file, connect, clock)
    const sent: number[] = []
    start(app, clock, 6, sent) // 4 go, 2 wait
    await clock.run(0)
    expect(sent).toHaveLength(4)
    await clock.pause(5_000)
    start(cli, clock, 3, sent)
    await clock.run(0)
    expect(atOnce(sent, t0 + 5_000)).toBe(connect.burst)
    await clock.run(1_000)
    expect(sent).toHaveLength(9)
    expect(sent.slice(4).map((t) => t - t0)).toEqual([5_000, 5_000, 5_000, 5_000, 5_500])
  })
})
