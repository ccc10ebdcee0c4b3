import type { DriftEntry, ImportReport } from '../../shared/ipc-contract'
import { AppError } from '../../shared/result'
import { resolveTemplate, type InstanceLookups, type ResolveResult } from '../../shared/template-resolve'
import {
  templateFileSchema,
  templateFormatVersion,
  templateKey,
  templateLimits,
  templateSchema,
  templatesFormat,
  type Template,
  type TemplateFile,
  type TemplateInput
} from '../../shared/templates'
import { SyncedDocument, type DocumentCodec, type DocumentStore } from './document-store'
import { formatBytes } from './files'
import type { StoreRecovery } from './store-recovery'
import { migrateTemplateDocument } from './template-migrations'

/** What to do with an imported template whose name is taken. */
export type ConflictPolicy = 'rename' | 'replace' | 'skip'

function describeZod(error: { issues: Array<{ path: PropertyKey[]; message: string }> }): string {
  return error.issues
    .slice(0, 5)
    .map((i) => `${i.path.map(String).join('.') || '(file)'}: ${i.message}`)
    .join('; ')
}

const countOf = (n: number): string => n.toLocaleString('en')
const maxTemplates = templateLimits.templates

/** templates.json: every historical shape migrated, anything else refused (and so moved aside). */
const templatesCodec: DocumentCodec<Template[]> = {
  what: 'templates.json',
  maxBytes: templateLimits.fileBytes,
  decode(raw) {
    const { doc, migrated } = migrateTemplateDocument(raw)
    const list = doc['templates']
    if (Array.isArray(list) && list.length > maxTemplates)
      throw new Error(
        `it holds ${countOf(list.length)} templates; the app keeps at most ${countOf(maxTemplates)}`
      )
    const parsed = templateFileSchema.safeParse(doc)
    if (!parsed.success)
      throw new Error(`it does not match the templates format: ${describeZod(parsed.error)}`)
    const seen = new Set<string>()
    for (const template of parsed.data.templates) {
      const key = templateKey(template.name)
      if (seen.has(key)) throw new Error(`two templates are named "${template.name}" (names ignore case)`)
      seen.add(key)
    }
    return { value: parsed.data.templates, migrated }
  },
  encode: (templates): TemplateFile => ({
    format: templatesFormat,
    version: templateFormatVersion,
    templates
  })
}

/**
 * A free name for a copy of `name`: "X (copy)", "X (copy 2)"…, shortened to fit the name limit. `next`
 * remembers where each name's numbering got to, so naming thousands of copies stays linear.
 */
function freeName(
  name: string,
  label: 'copy' | 'imported',
  taken: { has(key: string): boolean },
  next: Map<string, number> = new Map()
): string {
  const memo = `${label}|${templateKey(name)}`
  for (let n = next.get(memo) ?? 1; ; n++) {
    const suffix = n === 1 ? ` (${label})` : ` (${label} ${n})`
    const candidate = `${name.slice(0, templateLimits.name - suffix.length).trimEnd()}${suffix}`
    if (!taken.has(templateKey(candidate))) {
      next.set(memo, n + 1)
      return candidate
    }
  }
}

/**
 * Saved templates: validated with the shared schema, unique by name (case-insensitive), versioned with
 * migrations, written atomically; a file that cannot be read is moved aside and reported, never emptied.
 * Every change is a read-modify-write of templates.json under its lock, so the app and any number of CLI
 * runs never lose each other's changes, and the app sees a change made elsewhere without a restart.
 * Works with no network and no credentials.
 */
export class TemplateService {
  private readonly document: SyncedDocument<Template[]>
  private index: { of: Template[]; byKey: Map<string, Template> } | undefined

  constructor(open: () => DocumentStore, file: string) {
    this.document = SyncedDocument.open(open, file, templatesCodec)
  }

  /** Set when templates.json was unreadable and moved aside. */
  get recovery(): StoreRecovery | undefined {
    return this.document.recovery
  }

  /** The templates by key, as the file holds them now. */
  private byKey(): Map<string, Template> {
    const templates = this.document.get()
    if (this.index?.of !== templates)
      this.index = { of: templates, byKey: new Map(templates.map((t) => [templateKey(t.name), t])) }
    return this.index.byKey
  }

  /** Every template, sorted by name. */
  list(): Template[] {
    return [...this.document.get()].sort((a, b) => (templateKey(a.name) < templateKey(b.name) ? -1 : 1))
  }

  /** The template named `name` (case-insensitive), or an error that says so. */
  get(name: string): Template {
    const found = this.byKey().get(templateKey(name))
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
    return this.document.update((current) => {
      const clash = current.find(
        (t) => templateKey(t.name) === templateKey(template.name) && templateKey(t.name) !== replacing
      )
      if (clash)
        throw new AppError(
          'CONFLICT',
          `A template named "${clash.name}" already exists (names ignore case).`,
          {
            field: 'name'
          }
        )
      if (replacing !== undefined && !current.some((t) => templateKey(t.name) === replacing)) {
        throw new AppError('NOT_FOUND', `There is no template named "${previousName}" to update.`)
      }
      if (replacing === undefined && current.length >= maxTemplates)
        throw new AppError(
          'INVALID_REQUEST',
          `There can be at most ${countOf(maxTemplates)} templates; delete one before adding another.`
        )
      return {
        value: [...current.filter((t) => templateKey(t.name) !== replacing), template],
        result: template
      }
    })
  }

  /** Copies a template under a free name ("X (copy)", "X (copy 2)", …). */
  duplicate(name: string): Template {
    const source = this.get(name)
    return this.save({ ...source, name: freeName(source.name, 'copy', this.byKey()) })
  }

  delete(name: string): void {
    this.document.update((current) => {
      const key = templateKey(name)
      if (!current.some((t) => templateKey(t.name) === key))
        throw new AppError('NOT_FOUND', `There is no template named "${name}".`)
      return { value: current.filter((t) => templateKey(t.name) !== key), result: undefined }
    })
  }

  /** A templates file with the named templates (all when none are named). */
  export(names?: string[]): TemplateFile {
    const templates = names?.length ? names.map((n) => this.get(n)) : this.list()
    return { format: templatesFormat, version: templateFormatVersion, templates }
  }

  /**
   * Imports a templates file; the whole file is refused if any part of it is invalid or it is over the
   * limits (file size, template count). Linear in the file and the templates held.
   */
  import(text: string, onConflict: ConflictPolicy): ImportReport {
    const limit = templateLimits.fileBytes
    if (text.length > limit || Buffer.byteLength(text) > limit)
      throw new AppError(
        'INVALID_REQUEST',
        `The file is ${formatBytes(Buffer.byteLength(text))}; a templates file can be at most ${formatBytes(limit)}.`
      )
    let data: unknown
    try {
      data = JSON.parse(text.startsWith('\ufeff') ? text.slice(1) : text) // a BOM, as editors on Windows add
    } catch (error) {
      throw new AppError('INVALID_REQUEST', `The file is not JSON: ${(error as Error).message.slice(0, 200)}`)
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
        `This templates file has format version ${JSON.stringify(raw['version'])?.slice(0, 40)}; this app reads version ${templateFormatVersion}.`
      )
    }
    const incoming = raw['templates']
    if (Array.isArray(incoming) && incoming.length > maxTemplates)
      throw new AppError(
        'INVALID_REQUEST',
        `The file holds ${countOf(incoming.length)} templates; a templates file holds at most ${countOf(maxTemplates)} templates.`
      )
    const parsed = templateFileSchema.safeParse(data)
    if (!parsed.success)
      throw new AppError('INVALID_REQUEST', `The templates file is not valid: ${describeZod(parsed.error)}`)
    return this.document.update((current) => {
      const report: ImportReport = { added: [], replaced: [], renamed: [], skipped: [] }
      const merged = new Map(current.map((t) => [templateKey(t.name), t]))
      const numbering = new Map<string, number>()
      for (const template of parsed.data.templates) {
        const key = templateKey(template.name)
        if (!merged.has(key)) {
          merged.set(key, template)
          report.added.push(template.name)
        } else if (onConflict === 'skip') {
          report.skipped.push(template.name)
        } else if (onConflict === 'replace') {
          merged.delete(key)
          merged.set(key, template)
          report.replaced.push(template.name)
        } else {
          const to = freeName(template.name, 'imported', merged, numbering)
          merged.set(templateKey(to), { ...template, name: to })
          report.renamed.push({ from: template.name, to })
        }
      }
      if (merged.size > maxTemplates)
        throw new AppError(
          'INVALID_REQUEST',
          `This import would make ${countOf(merged.size)} templates; there can be at most ${countOf(maxTemplates)} templates.`
        )
      return { value: [...merged.values()], result: report }
    })
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
}
