import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import type { ImportReport } from '../../shared/ipc-contract'
import { AppError } from '../../shared/result'
import type { ConflictPolicy, TemplateService } from './template-service'

/** Where the admin picks files; undefined means Cancel. */
export interface FileDialogs {
  saveFile(defaultName: string, kind: 'templates' | 'csv'): Promise<string | undefined>
  openFile(): Promise<string | undefined>
}

/** Export to and import from files the admin picks. */
export class TemplateFiles {
  constructor(
    private readonly templates: TemplateService,
    private readonly dialogs: FileDialogs
  ) {}

  /** Writes a templates file (atomically) where the admin chooses; null when cancelled. */
  async exportFile(names?: string[]): Promise<{ path: string; count: number } | null> {
    const file = this.templates.export(names)
    const defaultName =
      names?.length === 1 ? `${names[0]}.templates.json` : 'connect-provisioner-templates.json'
    const path = await this.dialogs.saveFile(defaultName.replace(/[\\/:*?"<>|]/g, '_'), 'templates')
    if (!path) return null
    writeFileAtomic(path, `${JSON.stringify(file, null, 2)}\n`)
    return { path, count: file.templates.length }
  }

  /** Imports a templates file the admin picks; null when cancelled. */
  async importFile(onConflict: ConflictPolicy): Promise<ImportReport | null> {
    const path = await this.dialogs.openFile()
    if (!path) return null
    return this.templates.import(readText(path), onConflict)
  }
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
  writeFileSync(temp, text)
  renameSync(temp, path)
}
