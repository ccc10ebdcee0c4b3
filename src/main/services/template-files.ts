import type { ImportReport } from '../../shared/ipc-contract'
import { templateLimits } from '../../shared/templates'
import { readText, writeFileAtomic, type FileDialogs } from './files'
import type { ConflictPolicy, TemplateService } from './template-service'

/** Export to and import from files the admin picks. */
export class TemplateFiles {
  constructor(
    private readonly templates: TemplateService,
    private readonly dialogs: FileDialogs
  ) {}

  /** Writes a templates file (atomically, owner-only) where the admin chooses; null when cancelled. */
  async exportFile(names?: string[]): Promise<{ path: string; count: number } | null> {
    const file = this.templates.export(names)
    const defaultName =
      names?.length === 1 ? `${names[0]}.templates.json` : 'connect-provisioner-templates.json'
    const path = await this.dialogs.saveFile(defaultName.replace(/[\\/:*?"<>|]/g, '_'), 'templates')
    if (!path) return null
    writeFileAtomic(path, `${JSON.stringify(file, null, 2)}\n`)
    return { path, count: file.templates.length }
  }

  /** Imports a templates file the admin picks (one over the size limit is refused unread); null when cancelled. */
  async importFile(onConflict: ConflictPolicy): Promise<ImportReport | null> {
    const path = await this.dialogs.openFile('templates')
    if (!path) return null
    const text = readText(path, { maxBytes: templateLimits.fileBytes, what: 'a templates file' })
    return this.templates.import(text, onConflict)
  }
}
