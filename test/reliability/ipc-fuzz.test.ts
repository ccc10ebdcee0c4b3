/**
 * Issue 10's IPC fuzz: every channel of the contract, through the real dispatcher and handlers, with
 * wrong types, missing and extra fields, huge strings and prototype keys. Every answer is an envelope;
 * nothing throws, hangs, pollutes prototypes or hands the renderer a stack trace.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { dispatch } from '../../src/main/ipc/dispatch'
import { invokeContract, type InvokeChannel } from '../../src/shared/ipc-contract'
import { appUnderTest } from '../e2e/app-under-test'

const aws = mkdtempSync(join(tmpdir(), 'cp-fuzz-aws-'))
writeFileSync(
  join(aws, 'config'),
  '[profile p]\nregion = us-east-1\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = fuzz\n'
)
writeFileSync(join(aws, 'credentials'), '')
const app = appUnderTest({
  ...process.env,
  AWS_CONFIG_FILE: join(aws, 'config'),
  AWS_SHARED_CREDENTIALS_FILE: join(aws, 'credentials'),
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9', // nothing listens: a call that got through fails fast
  AWS_EC2_METADATA_DISABLED: 'true'
})
afterAll(() => app.close())

const huge = 'x'.repeat(1_000_000)
/** Values of every kind, hostile ones included. */
const values: unknown[] = [
  undefined,
  null,
  0,
  -1,
  1e308,
  Number.NaN,
  true,
  '',
  huge,
  '\u001b[2J\u0000\u202e',
  '__proto__',
  'constructor',
  [],
  [1, 2],
  {},
  JSON.parse('{"__proto__": {"polluted": true}}') as unknown,
  { constructor: { prototype: { polluted: true } } }
]
const keys = [
  'profile',
  'region',
  'instanceId',
  'name',
  'template',
  'person',
  'query',
  'outcome',
  'text',
  '__proto__'
]

/** Payloads for a channel: every value alone, each key set to each value, and extra fields. */
function payloads(): unknown[] {
  const out: unknown[] = [...values]
  for (const key of keys)
    for (const value of values)
      out.push(JSON.parse(`{"${key}": ${JSON.stringify(value ?? null)}}`) as unknown)
  out.push({ profile: 'p', region: 'us-east-1', instanceId: 'i', extra: 1 })
  out.push({ profile: huge, region: 'us-east-1' })
  out.push({ profile: 'p', region: 'us-east-1', instanceId: huge })
  return out
}

const channels = Object.keys(invokeContract) as InvokeChannel[]
let tried = 0

describe('IPC fuzz over every channel of the contract', () => {
  it.each(channels.map((c) => [c]))('%s answers every hostile payload with an envelope', async (channel) => {
    for (const payload of payloads()) {
      tried++
      const answer = await Promise.race([
        dispatch(app.handlers, channel, payload),
        new Promise<'hang'>((resolve) => setTimeout(() => resolve('hang'), 10_000))
      ])
      expect(answer).not.toBe('hang')
      if (answer === 'hang') return
      expect(typeof answer.ok).toBe('boolean')
      if (!answer.ok) {
        expect(answer.error.code).toMatch(/^[A-Z_]+$/)
        expect(answer.error.message).not.toMatch(/\n\s+at /) // no stack trace
        expect(answer.error.message.length).toBeLessThan(5_000) // a huge input is never echoed whole
      }
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
  })

  it('tried every channel', () => {
    expect(tried).toBeGreaterThan(channels.length * 100)
  })
})
