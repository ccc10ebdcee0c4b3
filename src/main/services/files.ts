/** Files the admin picks (through a port, so tests can answer the dialogs) and how the app writes them. */
import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { AppError } from '../../shared/result'

/** Where the admin picks files; undefined means Cancel. */
export interface FileDialogs {
  saveFile(defaultName: string, kind: 'templates' | 'csv'): Promise<string | undefined>
  openFile(kind: 'templates' | 'certificates'): Promise<string | undefined>
}

/** For hosts without a window (the CLI): it takes file paths instead. */
export const noFileDialogs: FileDialogs = {
  saveFile: () => Promise.reject(new Error('No file dialog here: pass a file path instead.')),
  openFile: () => Promise.reject(new Error('No file dialog here: pass a file path instead.'))
}

/** Reads a file as UTF-8, with an error that names it. */
export function readText(path: string): string {
  try {
    return readFileSync(path, 'utf8')
  } catch (error) {
    throw new AppError(
      'INVALID_REQUEST',
      `${path} cannot be read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`
    )
  }
}

/** Writes via a temporary file and a rename, so a crash never leaves half a file. */
export function writeFileAtomic(path: string, text: string): void {
  const temp = `${path}.${process.pid}.tmp`
  writeFileSync(temp, text, { mode: 0o600 })
  renameSync(temp, path)
}
