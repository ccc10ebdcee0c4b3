import type { InstanceContext } from '../../../shared/accounts'
import type { DriftEntry, ImportReport } from '../../../shared/ipc-contract'
import type { AppErrorData } from '../../../shared/result'
import type { InstanceLookups } from '../../../shared/template-resolve'
import { searchTemplates, templateKey, type Template, type TemplateInput } from '../../../shared/templates'
import { api } from './ipc'
import { draftFromTemplate, emptyDraft, type TemplateDraft } from './template-draft'

function opened(draft: TemplateDraft, previousName?: string): NonNullable<TemplatesState['editing']> {
  return { draft, original: JSON.stringify(draft), ...(previousName ? { previousName } : {}) }
}

/** Templates for the Templates view: the list, the cached instance names, and the open editor. */
export class TemplatesState {
  templates = $state<Template[]>([])
  notices = $state<string[]>([])
  lookups = $state<InstanceLookups[]>([])
  search = $state('')
  error = $state<AppErrorData | undefined>()
  /**
   * The template being edited: its draft, for an existing one the name it had, and the draft as opened
   * (to tell whether Cancel would throw edits away). Kept while the admin visits other views.
   */
  editing = $state<{ draft: TemplateDraft; previousName?: string; original: string } | undefined>()
  drift = $state<DriftEntry[] | undefined>()
  lastImport = $state<ImportReport | undefined>()
  status = $state<string | undefined>()

  filtered: Template[] = $derived(searchTemplates(this.templates, this.search))
  /** True when the open editor holds changes that are not saved. */
  dirty: boolean = $derived(
    this.editing !== undefined && JSON.stringify(this.editing.draft) !== this.editing.original
  )

  /** Loads templates and the cached instance names (no network needed). */
  async load(): Promise<void> {
    const [list, lookups] = await Promise.all([
      api.invoke('templates:list', undefined),
      api.invoke('lookups:list', undefined)
    ])
    if (list.ok) {
      this.templates = list.value.templates
      this.notices = list.value.notices
    } else this.error = list.error
    if (lookups.ok) this.lookups = lookups.value
  }

  create(): void {
    this.editing = opened(emptyDraft())
  }

  edit(name: string): void {
    const template = this.templates.find((t) => templateKey(t.name) === templateKey(name))
    if (template) this.editing = opened(draftFromTemplate(template), template.name)
  }

  /** Opens a draft that is not saved yet (e.g. captured from a user): it counts as changed. */
  open(input: TemplateInput): void {
    this.editing = { draft: draftFromTemplate(input), original: '' }
  }

  /** Closes the editor, dropping its draft. */
  close(): void {
    this.editing = undefined
  }

  /** Saves the editor's template; returns the error to show next to the form, if any. */
  async save(template: TemplateInput): Promise<AppErrorData | undefined> {
    const previousName = this.editing?.previousName
    const result = await api.invoke(
      'templates:save',
      previousName ? { template, previousName } : { template }
    )
    if (!result.ok) return result.error
    this.editing = undefined
    this.status = `Saved “${result.value.name}”.`
    await this.load()
    return undefined
  }

  async duplicate(name: string): Promise<void> {
    const result = await api.invoke('templates:duplicate', { name })
    this.report(result.ok ? `Duplicated as “${result.value.name}”.` : result.error)
    await this.load()
  }

  async remove(name: string): Promise<void> {
    const result = await api.invoke('templates:delete', { name })
    this.report(result.ok ? `Deleted “${name}”.` : result.error)
    if (result.ok && this.editing?.previousName === name) this.editing = undefined
    await this.load()
  }

  async exportFile(names?: string[]): Promise<void> {
    const result = await api.invoke('templates:export-file', names ? { names } : {})
    if (!result.ok) return this.report(result.error)
    if (result.value) this.report(`Exported ${result.value.count} template(s) to ${result.value.path}.`)
  }

  async importFile(onConflict: 'rename' | 'replace' | 'skip'): Promise<void> {
    this.error = undefined
    this.status = undefined
    const result = await api.invoke('templates:import-file', { onConflict })
    if (!result.ok) return this.report(result.error)
    if (!result.value) return this.report('Import cancelled: nothing changed.')
    const r = result.value
    this.lastImport = r
    this.report(
      `Imported ${r.added.length} new, replaced ${r.replaced.length}, renamed ${r.renamed.length}, skipped ${r.skipped.length}.`
    )
    await this.load()
  }

  /** Checks every template against the instance names cached here (offline); says why when none are. */
  async checkDrift(): Promise<void> {
    if (!this.lookups.length) {
      this.drift = undefined
      return this.report(
        'Drift is checked against the names of instances cached on this computer, and none are cached yet: choose an instance in Accounts, then use Refresh names here.'
      )
    }
    const result = await api.invoke('templates:drift', {})
    if (result.ok) this.drift = result.value
    else this.report(result.error)
  }

  /** Fetches an instance's names again (needs the account). */
  async refreshLookups(context: InstanceContext): Promise<void> {
    const result = await api.invoke('lookups:refresh', context)
    if (!result.ok) return this.report(result.error)
    this.report(`Names of ${result.value.alias} refreshed.`)
    await this.load()
  }

  /** "New agent like X": opens a draft with the user's settings. */
  async fromUser(context: InstanceContext, userId: string): Promise<void> {
    const result = await api.invoke('templates:from-user', { ...context, userId })
    if (!result.ok) return this.report(result.error)
    await this.load()
    this.open(result.value)
  }

  private report(outcome: string | AppErrorData): void {
    if (typeof outcome === 'string') {
      this.status = outcome
      this.error = undefined
    } else {
      this.error = outcome
      this.status = undefined
    }
  }
}
