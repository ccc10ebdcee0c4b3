import { existsSync, renameSync } from 'node:fs'
import { basename, dirname, extname, join } from 'node:path'

/** What happened when a store file could not be read and was moved aside. */
export interface StoreRecovery {
  file: string
  movedTo: string
  reason: string
}

/**
 * Opens a JSON-file store with `open`. If the file is corrupt or breaks the schema, the file is moved
 * aside to `<name>.corrupt-<time>.json` (never deleted, never overwritten) and a fresh store is opened,
 * so the admin keeps their data and is told where it went.
 */
export function openRecovering<T>(file: string, open: () => T): { store: T; recovery?: StoreRecovery } {
  try {
    return { store: open() }
  } catch (error) {
    if (!existsSync(file)) throw error
    const stamp = new Date().toISOString().replace(/[:.]/g, '-')
    const movedTo = join(dirname(file), `${basename(file, extname(file))}.corrupt-${stamp}${extname(file)}`)
    renameSync(file, movedTo)
    const reason = error instanceof Error ? error.message : String(error)
    return { store: open(), recovery: { file, movedTo, reason } }
  }
}

/** The sentence the UI shows for a recovery. */
export function describeRecovery(recovery: StoreRecovery): string {
  return `${recovery.file} could not be read (${recovery.reason}). It was moved to ${recovery.movedTo} and a fresh file was started; copy anything you need back from there.`
}
