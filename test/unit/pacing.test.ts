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
