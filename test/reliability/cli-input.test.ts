/**
 * Issue 10, items 11 and 12: hostile CLI input. Every bad value is a usage error (exit 2) with a short
 * reason, every failure under --json is one JSON object, and nothing printed carries a raw control
 * character, whatever the files or arguments held.
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../../src/main/cli'
import { findInvisible } from '../../src/shared/text'

/** Runs the CLI in-process in an empty workspace and captures what it prints. */
async function cli(args: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'cp-cli-input-'))
  writeFileSync(
    join(dir, 'config'),
    '[profile p]\nregion = us-east-1\naws_access_key_id = AKIDEXAMPLE\naws_secret_access_key = x\n'
  )
  writeFileSync(join(dir, 'credentials'), '')
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(args, {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    env: {
      HOME: dir,
      CONNECT_PROVISIONER_HOME: join(dir, 'data'),
      AWS_CONFIG_FILE: join(dir, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials')
    },
    stdin: async () => '',
    ask: async () => ''
  })
  return { code, out, err }
}

const create = ['create', '--profile', 'p', '--instance', 'i', '--username', 'u']

describe('CLI input', () => {
  it.each([
    ['--acw', ''],
    ['--acw', '0x10'],
    ['--acw', '1e3'],
    ['--acw', '-1'],
    ['--acw', '2000001'],
    ['--acw', '1.5'],
    ['--acw', ' 7'],
    ['--tag', 'novalue'],
    ['--tag', '=value'],
    ['--phone-type', 'fax']
  ])('refuses %s %j as a usage error', async (flag, value) => {
    const { code, err } = await cli([...create, flag, value])
    expect(code).toBe(2)
    expect(err.join('\n')).toMatch(/error/i)
  })

  it('quotes an over-long argument back clipped, never whole', async () => {
    const long = '9'.repeat(100_000)
    const { code, err } = await cli([...create, '--acw', long])
    expect(code).toBe(2)
    expect(err.join('\n').length).toBeLessThan(1_000)
  })

  it('under --json, every failure is one JSON object with a code and a message', async () => {
    for (const args of [
      [...create, '--acw', 'x', '--json'],
      ['templates', 'show', 'nope', '--json'],
      ['whoami', '--profile', 'ghost', '--json'],
      ['create', '--profile', 'p', '--instance', 'i', '--username', 'u'.repeat(300), '--json', '--dry-run']
    ]) {
      const { code, out } = await cli(args)
      expect(code).not.toBe(0)
      expect(out).toHaveLength(1)
      const parsed = JSON.parse(out[0] ?? '') as { ok: boolean; error: { code: string; message: string } }
      expect(parsed.ok).toBe(false)
      expect(parsed.error.code).toMatch(/^[A-Z_]+$/)
      expect(parsed.error.message.length).toBeGreaterThan(0)
    }
  })

  it('prints no raw control, bidi or zero-width character, whatever it is given', async () => {
    const hostile = ['\u001b[2J', '\u0007', '\u202eevil', 'zero\u200bwidth', 'nul\u0000']
    for (const value of hostile) {
      for (const args of [
        ['templates', 'show', value],
        ['whoami', '--profile', value],
        [...create, '--first-name', value, '--dry-run'],
        [...create, '--tag', `${value}=x`]
      ]) {
        const { out, err } = await cli(args)
        for (const line of [...out, ...err]) expect(findInvisible(line)).toBeUndefined()
      }
    }
  })
})
