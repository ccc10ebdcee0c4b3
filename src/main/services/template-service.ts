import type { DriftEntry, ImportReport } from '../../shared/ipc-contract'
import { AppError } from '../../shared/result'
import { resolveTemplate, type InstanceLookups, type ResolveResult } from '../../shared/template-resolve'
import {
  templateFileSchema,
  templateFormatVersion,
  templateKey,
  templateSchema,
  templatesFormat,
  type Template,
  type TemplateFile,
  type TemplateInput
} from '../../shared/templates'
import type { DocumentStore } from './document-store'
import { openRecovering, type StoreRecovery } from './store-recovery'
import { migrateTemplateDocument } from './template-migrations'

/** What to do with an imported template whose name is taken. */
export type ConflictPolicy = 'rename' | 'replace' | 'skip'

function describeZod(error: { issues: Array<{ path: PropertyKey[]; message: string }> }): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join('.') || '(file)'}: ${i.message}`)
    .join('; ')
}

/**
 * Saved templates: validated with the shared schema, unique by name (case-insensitive), versioned with
 * migrations, written atomically; a file that cannot be read is moved aside and reported, never emptied.
 * Works with no network and no credentials.
 */
export class TemplateService {
  private readonly store: DocumentStore
  private templates: Template[]
  /** Set when templates.json was unreadable and moved aside. */
  readonly recovery: StoreRecovery | undefined

  constructor(open: () => DocumentStore, file: string) {
    const opened = openRecovering(file, () => {
      const store = open()
      const { doc, migrated } = migrateTemplateDocument(store.read())
      const parsed = templateFileSchema.safeParse(doc)
      if (!parsed.success)
        throw new Error(`it does not match the templates format: ${describeZod(parsed.error)}`)
      if (migrated) store.write(parsed.data)
      return { store, templates: parsed.data.templates }
    })
    this.store = opened.store.store
    this.templates = opened.store.templates
    this.recovery = opened.recovery
  }

  /** Every template, sorted by name. */
  list(): Template[] {
    return [...this.templates].sort((a, b) => (templateKey(a.name) < templateKey(b.name) ? -1 : 1))
  }

  /** The template named `name` (case-insensitive), or an error that says so. */
  get(name: string): Template {
    const found = this.templates.find((t) => templateKey(t.name) === templateKey(name))
    if (!found) throw new AppError('NOT_FOUND', `There is no template named "${name}".`)
    return found
  }

  /** Creates or updates a template; `previousName` renames. Names are unique, ignoring case. */
  save(input: TemplateInput, previousName?: string): Template {
    const parsed = templateSchema.safeParse(input)
    if (!parsed.success) {
      throw new AppError('INVALID_REQUEST', `The template is not valid: ${describeZod(parsed.error)}`, {
        issues: parsed.error.issues.map((i) => ({ path: i.path.map(String), message: i.message }))
      })
    }
    const template = { ...parsed.data, updatedAt: new Date().toISOString() }
    const replacing = previousName === undefined ? undefined : templateKey(previousName)
    const clash = this.templates.find(
      (t) => templateKey(t.name) === templateKey(template.name) && templateKey(t.name) !== replacing
    )
    if (clash)
      throw new AppError('CONFLICT', `A template named "${clash.name}" already exists (names ignore case).`, {
        field: 'name'
      })
    if (replacing !== undefined && !this.templates.some((t) => templateKey(t.name) === replacing)) {
      throw new AppError('NOT_FOUND', `There is no template named "${previousName}" to update.`)
    }
    this.commit([...this.templates.filter((t) => templateKey(t.name) !== replacing), template])
    return template
  }

  /** Copies a template under a free name ("X (copy)", "X (copy 2)", …). */
  duplicate(name: string): Template {
    const source = this.get(name)
    return this.save({ ...source, name: this.freeName(`${source.name} (copy)`) })
  }

  delete(name: string): void {
    const existing = this.get(name)
    this.commit(this.templates.filter((t) => t !== existing))
  }

  /** A templates file with the named templates (all when none are named). */
  export(names?: string[]): TemplateFile {
    const templates = names?.length ? names.map((n) => this.get(n)) : this.list()
    return { format: templatesFormat, version: templateFormatVersion, templates }
  }

  /** Imports a templates file; the whole file is refused if any part of it is invalid. */
  import(text: string, onConflict: ConflictPolicy): ImportReport {
    let data: unknown
    try {
      data = JSON.parse(text)
    } catch (error) {
      throw new AppError('INVALID_REQUEST', `The file is not JSON: ${(error as Error).message}`)
    }
    const raw = data as Record<string, unknown>
    if (typeof data !== 'object' || data === null || raw['format'] !== templatesFormat) {
      throw new AppError(
        'INVALID_REQUEST',
        `This is not a Connect Provisioner templates file (its "format" must be "${templatesFormat}").`
      )
    }
    if (raw['version'] !== templateFormatVersion) {
      throw new AppError(
        'INVALID_REQUEST',
        `This templates file has format version ${JSON.stringify(raw['version'])}; this app reads version ${templateFormatVersion}.`
      )
    }
    const parsed = templateFileSchema.safeParse(data)
    if (!parsed.success)
      throw new AppError('INVALID_REQUEST', `The templates file is not valid: ${describeZod(parsed.error)}`)
    const report: ImportReport = { added: [], replaced: [], renamed: [], skipped: [] }
    let next = [...this.templates]
    for (const incoming of parsed.data.templates) {
      const existing = next.find((t) => templateKey(t.name) === templateKey(incoming.name))
      if (!existing) {
        next.push(incoming)
        report.added.push(incoming.name)
      } else if (onConflict === 'skip') {
        report.skipped.push(incoming.name)
      } else if (onConflict === 'replace') {
        next = [...next.filter((t) => t !== existing), incoming]
        report.replaced.push(incoming.name)
      } else {
        const to = this.freeName(`${incoming.name} (imported)`, next)
        next.push({ ...incoming, name: to })
        report.renamed.push({ from: incoming.name, to })
      }
    }
    this.commit(next)
    return report
  }

  /** Resolves a template against one instance's lookups. */
  resolve(name: string, lookups: InstanceLookups): ResolveResult {
    return resolveTemplate(this.get(name), lookups)
  }

  /** For every template (or one) and every cached instance: what no longer resolves. */
  drift(instances: InstanceLookups[], name?: string): DriftEntry[] {
    const templates = name ? [this.get(name)] : this.list()
    return templates.flatMap((template) =>
      instances.flatMap((lookups) => {
        const result = resolveTemplate(template, lookups)
        if (result.ok) return []
        const { instanceId, alias, accountId, region, fetchedAt } = lookups
        return [
          {
            template: template.name,
            instance: { instanceId, alias, accountId, region, fetchedAt },
            problems: result.problems
          }
        ]
      })
    )
  }

  private freeName(base: string, among: Template[] = this.templates): string {
    const taken = new Set(among.map((t) => templateKey(t.name)))
    for (let n = 1; ; n++) {
      const candidate = n === 1 ? base : base.replace(/\)$/, ` ${n})`)
      if (!taken.has(templateKey(candidate))) return candidate
    }
  }

  private commit(templates: Template[]): void {
    this.store.write({ format: templatesFormat, version: templateFormatVersion, templates })
    this.templates = templates
  }
}
