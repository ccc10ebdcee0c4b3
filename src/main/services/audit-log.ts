import {
  closeSync,
  existsSync,
  fchmodSync,
  fstatSync,
  fsyncSync,
  openSync,
  readFileSync,
  readSync,
  writeSync
} from 'node:fs'
import { userInfo } from 'node:os'
import { join } from 'node:path'
import { auditOutcomes, type AuditEntry } from '../../shared/activity'

/**
 * The audit log: one JSON line per CreateUser step (before the call, and its outcome), appended and
 * fsync'd so a crash loses nothing. Never holds a password: requests are masked before they get here.
 */
export class AuditLog {
  readonly file: string

  constructor(folder: string) {
    this.file = join(folder, 'audit.jsonl')
  }

  /**
   * Appends one entry and flushes it to disk before returning. It always starts on a fresh line, so a
   * line torn by a crash mid-write never swallows the entry that follows it.
   */
  append(entry: Omit<AuditEntry, 'time' | 'osUser'>): AuditEntry {
    const full: AuditEntry = { time: new Date().toISOString(), osUser: osUser(), ...entry }
    const fd = openSync(this.file, 'a+', 0o600)
    try {
      fchmodSync(fd, 0o600) // a log an older version created 0644 becomes owner-only too
      writeSync(fd, `${endsMidLine(fd) ? '\n' : ''}${JSON.stringify(full)}\n`)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    return full
  }

  /** Every entry, newest first. A damaged or foreign line (a crash mid-write, an edit) is skipped. */
  read(): AuditEntry[] {
    if (!existsSync(this.file)) return []
    const entries: AuditEntry[] = []
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      if (!line.trim()) continue
      try {
        const entry: unknown = JSON.parse(line)
        if (isAuditEntry(entry)) entries.push(entry)
      } catch {
        // A torn line from a crash: the entries around it are intact.
      }
    }
    return entries.reverse()
  }
}

function osUser(): string {
  try {
    return userInfo().username
  } catch {
    return process.env['USER'] ?? process.env['USERNAME'] ?? 'unknown'
  }
}

/** True when the file does not end with a newline (the last append was torn). */
function endsMidLine(fd: number): boolean {
  const size = fstatSync(fd).size
  if (size === 0) return false
  const last = Buffer.alloc(1)
  readSync(fd, last, 0, 1, size - 1)
  return last[0] !== 0x0a
}

/** An entry as the log writes them: the fields every reader relies on, with the right types. */
function isAuditEntry(value: unknown): value is AuditEntry {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const entry = value as Record<string, unknown>
  const strings = [
    'time',
    'osUser',
    'profile',
    'accountId',
    'region',
    'instanceId',
    'instanceAlias',
    'username'
  ]
  return (
    strings.every((key) => typeof entry[key] === 'string') &&
    (auditOutcomes as readonly unknown[]).includes(entry['outcome']) &&
    ['userId', 'userArn', 'errorCode', 'message'].every(
      (key) => entry[key] === undefined || typeof entry[key] === 'string'
    ) &&
    (entry['request'] === undefined || (typeof entry['request'] === 'object' && entry['request'] !== null))
  )
}
