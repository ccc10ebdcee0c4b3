/**
 * DocumentStore on plain JSON files, for the CLI: the same files, in the same format, as the app's
 * electron-store (`<folder>/<name>.json`, tab-indented), written atomically, without loading a library.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { DocumentStore } from '../services/document-store'
import { writeFileAtomic } from '../services/files'

export function openFileDocumentStore(folder: string, name: string): DocumentStore {
  const path = join(folder, `${name}.json`)
  const read = (): Record<string, unknown> => {
    if (!existsSync(path)) return {}
    const text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '')
    const value: unknown = text.trim() ? JSON.parse(text) : {}
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw new Error(`${path} does not hold a JSON object`)
    return value as Record<string, unknown>
  }
  read() // like electron-store: a file that is not JSON fails on open, so it can be moved aside
  return {
    path,
    read,
    write: (value) => {
      mkdirSync(folder, { recursive: true, mode: 0o700 })
      writeFileAtomic(path, JSON.stringify(value, undefined, '\t'))
    }
  }
}
