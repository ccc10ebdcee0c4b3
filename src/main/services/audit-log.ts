import { closeSync, existsSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs'
import { userInfo } from 'node:os'
import { join } from 'node:path'
import type { AuditEntry } from '../../shared/activity'

/**
 * The audit log: one JSON line per CreateUser step (before the call, and its outcome), appended and
 * fsync'd so a crash loses nothing. Never holds a password: requests are masked before they get here.
 */
export class AuditLog {
  readonly file: string

  constructor(folder: string) {
    this.file = join(folder, 'audit.jsonl')
  }

  /** Appends one entry and flushes it to disk before returning. */
  append(entry: Omit<AuditEntry, 'time' | 'osUser'>): AuditEntry {
    const full: AuditEntry = { time: new Date().toISOString(), osUser: osUser(), ...entry }
    const fd = openSync(this.file, 'a', 0o600)
    try {
      writeSync(fd, `${JSON.stringify(full)}\n`)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    return full
  }

  /** Every entry, newest first. A damaged line (a crash mid-write) is skipped, not fatal. */
  read(): AuditEntry[] {
    if (!existsSync(this.file)) return []
    const entries: AuditEntry[] = []
    for (const line of readFileSync(this.file, 'utf8').split('\n')) {
      if (!line.trim()) continue
      try {
        entries.push(JSON.parse(line) as AuditEntry)
      } catch {
        // A torn last line from a crash: the entries before it are intact.
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
