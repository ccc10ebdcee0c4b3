/**
 * The Bulk state: the history of batches, the plan of the file just picked, and the batch open now with
 * its rows, kept up to date by main's `bulk:progress` events. It lives for the whole window, so a run
 * keeps reporting while the admin is in another view, and an interrupted batch is offered at start.
 */
import { getContext, setContext } from 'svelte'
import type { InstanceContext } from '../../../shared/accounts'
import type {
  BatchProgress,
  BatchProgressEvent,
  BatchResultRow,
  BatchSummary,
  BatchView,
  BulkForm,
  PlanView
} from '../../../shared/bulk/types'
import type { AppErrorData } from '../../../shared/result'
import { api } from './ipc'

/** Which rows the table shows. */
export type RowFilter = 'all' | 'errors' | 'created' | 'skipped'

/** One line of the Bulk table, whether from a plan or a batch's results. */
export interface TableRow {
  row: number
  username: string
  /** The outcome or plan status, as the table's badge names it. */
  status: RowStatus
  /** Name and e-mail, a user ID, or what went wrong and how to fix it. */
  detail: string
}

export type RowStatus =
  | 'to create'
  | 'exists'
  | 'error'
  | 'created'
  | 'failed'
  | 'unknown'
  | 'not sent'
  | 'refused'
  | 'queued'
  | 'sending'

/** The filter each status belongs to; rows still queued or sending show under All only. */
const filterOf: Partial<Record<RowStatus, Exclude<RowFilter, 'all'>>> = {
  'to create': 'created',
  created: 'created',
  exists: 'skipped',
  'not sent': 'skipped',
  error: 'errors',
  failed: 'errors',
  unknown: 'errors',
  refused: 'errors'
}

/** True when `row` passes `filter`. */
export function matches(row: TableRow, filter: RowFilter): boolean {
  return filter === 'all' || filterOf[row.status] === filter
}

/** Every problem of a plan, one line each ("Row 12, email address: …"), to copy into a ticket or e-mail. */
export function problemsText(plan: PlanView): string {
  return plan.rows
    .flatMap((r) =>
      (r.problems ?? []).map((p) => `Row ${r.row}${p.column ? `, ${p.column}` : ''}: ${p.message}`)
    )
    .join('\n')
}

/** A plan's rows, as the table shows them. */
export function planRows(plan: PlanView): TableRow[] {
  return plan.rows.map((r) => ({
    row: r.row,
    username: r.username,
    status: r.status === 'create' ? 'to create' : r.status,
    detail:
      r.status === 'error'
        ? (r.problems ?? []).map((p) => (p.column ? `${p.column}: ${p.message}` : p.message)).join('\n')
        : r.status === 'exists'
          ? `Already in the instance (${r.userId ?? 'user'}): skipped.`
          : [r.name, r.email, r.generatedPassword ? 'password generated' : ''].filter(Boolean).join(' · ')
  }))
}

/** A batch's results, as the table shows them. */
export function resultRow(r: BatchResultRow): TableRow {
  const status: RowStatus =
    r.outcome === 'planned-error' ? 'refused' : r.outcome === 'skipped' ? 'not sent' : r.outcome
  const detail = [r.outcome === 'created' || r.outcome === 'exists' ? r.userId : r.errorCode, r.message]
    .filter(Boolean)
    .join(' — ')
  return { row: r.row, username: r.username, status, detail }
}

/** "1 user", "6 users", "10,000 users". */
export function plural(count: number, noun: string): string {
  return `${count.toLocaleString()} ${noun}${count === 1 ? '' : 's'}`
}

export class BulkState {
  batches = $state.raw<BatchSummary[]>([])
  /** Journals that could not be read and were moved aside (said until the window closes). */
  notices = $state.raw<string[]>([])
  /** The file just planned (nothing sent yet); replaced whole, never changed in place (so not proxied). */
  plan = $state.raw<PlanView | undefined>()
  /** Options the plan was (or will be) made with. */
  template = $state('')
  generatePasswords = $state(false)
  /** The batch open now, its rows in file order, and its live progress. */
  batch = $state.raw<BatchView | undefined>()
  rows = $state.raw<TableRow[]>([])
  progress = $state.raw<BatchProgress | undefined>()
  passwordsHeld = $state(0)
  filter = $state<RowFilter>('all')
  busy = $state<string | undefined>()
  error = $state<AppErrorData | undefined>()
  /** What the last action did ("Saved 12 results to …"), for a status line. */
  status = $state<string | undefined>()
  /** The admin closed the offer to resume interrupted batches. */
  offerDismissed = $state(false)
  /** The open batch's resume is to be confirmed (asked from its Resume button or the offer at start). */
  askResume = $state(false)

  /** Batches a crash or kill left unfinished, newest first: offered at start. */
  interrupted: BatchSummary[] = $derived(this.batches.filter((b) => b.state === 'interrupted'))
  visibleRows: TableRow[] = $derived(
    this.filter === 'all' ? this.rows : this.rows.filter((r) => matches(r, this.filter))
  )

  /** Where each file row is in `rows`: a lookup rebuilt with them, deliberately not reactive. */
  private index: ReadonlyMap<number, number> = new Map<number, number>() // eslint-disable-line svelte/prefer-svelte-reactivity

  /** Reads the history and listens for progress; returns the function that stops listening. */
  start(): () => void {
    void this.refresh()
    return api.on('bulk:progress', (event) => this.onProgress(event))
  }

  async refresh(): Promise<void> {
    const result = await api.invoke('bulk:list', undefined)
    if (result.ok) {
      this.batches = result.value.batches
      this.notices = [...this.notices, ...result.value.notices.filter((n) => !this.notices.includes(n))]
    } else this.error = result.error
  }

  /** Asks for a CSV and plans it (nothing is created); the dialog's Cancel changes nothing. */
  async choose(context: InstanceContext): Promise<void> {
    await this.act('Reading and checking the file…', async () => {
      const result = await api.invoke('bulk:plan-file', { ...context, ...this.options() })
      if (!result.ok) return result
      if (result.value) this.showPlan(result.value)
      return result
    })
  }

  /** Reads the same file again (after fixing it in a spreadsheet) and plans it anew. */
  async replan(): Promise<void> {
    const plan = this.plan
    if (!plan) return
    await this.act('Checking the file again…', async () => {
      const result = await api.invoke('bulk:replan', { planId: plan.planId, ...this.options() })
      if (result.ok) this.showPlan(result.value)
      return result
    })
  }

  /** Drops the plan (its passwords are dropped in main when a newer plan replaces it). */
  discardPlan(): void {
    this.plan = undefined
    this.rows = []
    this.error = undefined
  }

  /** Creates the plan's valid rows at `rate` requests/second (remembered for the account when asked). */
  async run(rate: number | undefined, rememberRate: boolean): Promise<void> {
    const plan = this.plan
    if (!plan) return
    await this.act('Starting…', async () => {
      const result = await api.invoke('bulk:run', {
        planId: plan.planId,
        rememberRate,
        ...(rate === undefined ? {} : { rate })
      })
      if (result.ok) {
        this.plan = undefined
        await this.open(result.value.batchId)
      }
      return result
    })
  }

  /** Opens a batch: its summary, every row's result, and its live progress if it runs. */
  async open(batchId: string): Promise<void> {
    const result = await api.invoke('bulk:view', { batchId })
    if (!result.ok) {
      this.error = result.error
      return
    }
    this.showBatch(result.value)
    this.filter = 'all'
    void this.refresh()
  }

  /** Back to the history. */
  close(): void {
    this.askResume = false
    this.batch = undefined
    this.progress = undefined
    this.rows = []
    this.error = undefined
    this.status = undefined
    void this.refresh()
  }

  async control(action: 'pause' | 'resume' | 'cancel'): Promise<void> {
    const batch = this.batch
    if (!batch) return
    const result = await api.invoke('bulk:control', { batchId: batch.summary.batchId, action })
    if (!result.ok) this.error = result.error
  }

  /** Resumes a batch: unanswered rows are looked up first; the CSV is asked for if rows need passwords. */
  async resume(batchId: string): Promise<void> {
    await this.act('Resuming…', async () => {
      const result = await api.invoke('bulk:resume', { batchId })
      if (result.ok && result.value) await this.open(result.value.batchId)
      return result
    })
  }

  /** Deletes the users the open batch created; `count` is the number the admin confirmed. */
  async undo(count: number): Promise<void> {
    const batch = this.batch
    if (!batch) return
    await this.act('Undoing…', async () => {
      const result = await api.invoke('bulk:undo', { batchId: batch.summary.batchId, count })
      if (result.ok) await this.open(result.value.batchId)
      return result
    })
  }

  async exportResults(format: 'csv' | 'json'): Promise<void> {
    const batch = this.batch
    if (!batch) return
    await this.act('Exporting…', async () => {
      const result = await api.invoke('bulk:export-file', { batchId: batch.summary.batchId, format })
      if (result.ok && result.value)
        this.status = `Saved ${result.value.count} row(s) to ${result.value.path}.`
      return result
    })
  }

  /** Saves the generated passwords once; they are forgotten in main as soon as the file is written. */
  async savePasswords(): Promise<void> {
    const batch = this.batch
    if (!batch) return
    await this.act('Saving passwords…', async () => {
      const result = await api.invoke('bulk:save-passwords', { batchId: batch.summary.batchId })
      if (result.ok && result.value) {
        this.passwordsHeld = 0
        this.status = `Saved ${result.value.count} generated password(s) to ${result.value.path} (owner-only). The app no longer holds them.`
      }
      return result
    })
  }

  async saveBlank(form: BulkForm): Promise<void> {
    await this.act('Saving…', async () => {
      const result = await api.invoke('bulk:save-blank', { form })
      if (result.ok && result.value) this.status = `Saved a blank ${form} CSV to ${result.value.path}.`
      return result
    })
  }

  private options(): { template?: string; generatePasswords?: boolean } {
    return {
      ...(this.template ? { template: this.template } : {}),
      ...(this.generatePasswords ? { generatePasswords: true } : {})
    }
  }

  private showPlan(plan: PlanView): void {
    this.plan = plan
    this.batch = undefined
    this.progress = undefined
    this.setRows(planRows(plan))
    this.filter = plan.counts.error ? 'errors' : 'all'
  }

  private showBatch(view: BatchView): void {
    this.batch = view
    this.progress = view.progress
    this.passwordsHeld = view.passwordsHeld
    this.setRows(view.results.map(resultRow))
  }

  private setRows(rows: TableRow[]): void {
    this.rows = rows
    this.index = new Map(rows.map((r, i) => [r.row, i])) // eslint-disable-line svelte/prefer-svelte-reactivity
  }

  private onProgress({ progress, rows, passwordsHeld }: BatchProgressEvent): void {
    const open = this.batch
    if (!open || open.summary.batchId !== progress.batchId) {
      if (!['running', 'paused'].includes(progress.state)) void this.refresh()
      return
    }
    this.progress = progress
    this.passwordsHeld = passwordsHeld
    if (rows.length) {
      const next = [...this.rows]
      for (const r of rows) {
        const at = this.index.get(r.row)
        if (at !== undefined) next[at] = resultRow(r)
      }
      this.rows = next
    }
    // Once it ends, the journal has the last word (state, counts, what resume and undo would do).
    if (!['running', 'paused'].includes(progress.state)) void this.open(progress.batchId)
  }

  /** Runs one action with a busy label; its error is shown, a success clears the last one. */
  private async act(
    label: string,
    work: () => Promise<{ ok: boolean; error?: AppErrorData }>
  ): Promise<void> {
    this.busy = label
    this.status = undefined
    try {
      const result = await work()
      this.error = result.ok ? undefined : result.error
    } finally {
      this.busy = undefined
    }
  }
}

const key = Symbol('bulk')
export const provideBulk = (state: BulkState): BulkState => setContext(key, state)
export const useBulk = (): BulkState => getContext(key)
