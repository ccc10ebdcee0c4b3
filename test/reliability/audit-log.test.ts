/** Issue 10 item 9: the audit log survives torn lines and foreign content, and export never crashes on it. */
import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ActivityService } from '../../src/main/services/activity-service'
import { AuditLog } from '../../src/main/services/audit-log'

const entry = (username: string): Parameters<AuditLog['append']>[0] => ({
  profile: 'alpha',
  accountId: '111122223333',
  region: 'us-east-1',
  instanceId: 'i-1',
  instanceAlias: 'alpha',
  username,
  outcome: 'created'
})

describe('audit log', () => {
  it('starts each append on a fresh line, so a torn last line does not swallow the next entry', () => {
    const folder = mkdtempSync(join(tmpdir(), 'cp-audit-'))
    const log = new AuditLog(folder)
    log.append(entry('before'))
    appendFileSync(log.file, '{"time":"2026-11-28T00:00:00Z","outc') // a crash mid-write
    log.append(entry('after'))
    expect(log.read().map((e) => e.username)).toEqual(['after', 'before'])
  })

  it('skips lines that are not entries (arrays, numbers, null, wrong types) and exports the rest', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'cp-audit-'))
    const log = new AuditLog(folder)
    log.append(entry('real'))
    const hostile = [
      '[]',
      '42',
      'null',
      '"text"',
      '{}',
      '{"username": 5, "outcome": "created"}',
      JSON.stringify({ ...entry('bad-outcome'), time: 't', osUser: 'u', outcome: 'hacked' }),
      JSON.stringify({ ...entry('bad-request'), time: 't', osUser: 'u', request: 'x' }),
      '{"__proto__": {"polluted": true}}'
    ]
    appendFileSync(log.file, `${hostile.join('\n')}\n`)
    log.append(entry('last'))
    expect(log.read().map((e) => e.username)).toEqual(['last', 'real'])
    const out = join(folder, 'export.csv')
    const activity = new ActivityService(log, {
      saveFile: async () => out,
      openFile: async () => undefined
    })
    expect(await activity.exportFile('', '')).toEqual({ path: out, count: 2 })
    expect(readFileSync(out, 'utf8')).toContain('"real"')
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
  })

  it('reads an empty or missing log as no entries', () => {
    const folder = mkdtempSync(join(tmpdir(), 'cp-audit-'))
    expect(new AuditLog(folder).read()).toEqual([])
    writeFileSync(join(folder, 'audit.jsonl'), '')
    expect(new AuditLog(folder).read()).toEqual([])
  })
})
