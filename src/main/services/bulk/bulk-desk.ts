/**
 * Bulk as the window drives it: plans of files the admin picks (held here with their passwords, shown
 * to the window without them), runs and undos with progress pushed as events, results exported and
 * generated passwords saved once to a file the admin chooses. Everything durable is the BulkService's
 * journals; what this desk holds (plans, generated passwords, running tasks) lives in memory only.
 */
import { randomUUID } from 'node:crypto'
import { basename } from 'node:path'
import type { InstanceContext } from '../../../shared/accounts'
import { blankCsv } from '../../../shared/bulk/csv'
import type {
  BatchProgress,
  BatchProgressEvent,
  BatchResultRow,
  BatchView,
  BulkForm,
  BulkPlan,
  PlanView
} from '../../../shared/bulk/types'
import { AppError } from '../../../shared/result'
import type { Pace } from '../aws/pacing'
import { readText, writeFileAtomic, type FileDialogs } from '../files'
import type { BatchTaskResult } from './batch-task'
import type { BulkService } from './bulk-service'
import { PasswordsFile } from './passwords-file'
import type { GeneratedPassword } from './runner'

/** What the desk needs besides the BulkService. */
export interface BulkDeskPorts {
  dialogs: FileDialogs
  /** The saved rate of an account and Region, and saving one (SettingsService). */
  rates: {
    accountRate(accountId: string, region: string): number | undefined
    setAccountRate(accountId: string, region: string, rate: number | null): void
  }
  /** The pace runs take when the account has no saved rate. */
  defaultPace: Pace
  /** Pushes progress to the window. */
  emit(event: BatchProgressEvent): void
  /** Milliseconds between progress events while rows finish (100). */
  progressEveryMs?: number
}

/** Planning options the window gives. */
export interface PlanOptions {
  template?: string
  generatePasswords?: boolean
}

interface HeldPlan {
  plan: BulkPlan
  path: string
  context: InstanceContext
  options: PlanOptions
}

/** A run or an undo, as the desk drives it. */
interface RunningTask {
  readonly batchId: string
  readonly done: Promise<BatchTaskResult>
  pause(): void
  resume(): void
  cancel(): void
  progress(): BatchProgress
}

interface Tracked {
  task: RunningTask
  kind: 'run' | 'undo'
  /** Rows finished since the last event. */
  pending: BatchResultRow[]
  /** The last finished row already collected (progress repeats it with every state change and note). */
  collected?: BatchResultRow
  timer?: ReturnType<typeof setTimeout>
}

/** The largest CSV the window reads (the plan refuses anything over its own 10 MB with its message). */
const maxCsvBytes = 64 * 1024 * 1024
/** Plans kept for `bulk:run` (the newest): each holds its file's passwords in memory. */
const heldPlans = 4

export class BulkDesk {
  private readonly plans = new Map<string, HeldPlan>()
  private readonly tasks = new Map<string, Tracked>()
  /** Generated passwords not saved yet, by batch: memory only, saved once, then forgotten. */
  private readonly passwords = new Map<string, GeneratedPassword[]>()

  constructor(
    private readonly bulk: BulkService,
    private readonly ports: BulkDeskPorts
  ) {}

  /** Asks for a CSV and plans it against `context`; null when the admin cancels the dialog. */
  async planFile(context: InstanceContext, options: PlanOptions): Promise<PlanView | null> {
    const path = await this.ports.dialogs.openFile('csv')
    return path ? this.planPath(context, path, options) : null
  }

  /**
   * Plans the same file again (after the admin fixed it), with these options. The plan it replaces is
   * dropped only once the new one is made: a file that cannot be read again leaves it as it was.
   */
  async replan(planId: string, options: PlanOptions): Promise<PlanView> {
    const held = this.held(planId)
    const view = await this.planPath(held.context, held.path, options)
    this.plans.delete(planId)
    return view
  }

  /** Starts creating a plan's valid rows, at `rate` (saved for the account when `remember`). */
  run(planId: string, rate: { perSecond?: number; remember: boolean }): { batchId: string } {
    const { plan } = this.held(planId)
    const { accountId, region } = plan.target
    if (rate.remember) this.ports.rates.setAccountRate(accountId, region, rate.perSecond ?? null)
    const task = this.bulk.run(plan, {
      pace: this.paceOf(accountId, region, rate.perSecond),
      ...this.hooks(() => task)
    })
    this.plans.delete(planId)
    return this.track(task)
  }

  /** Pauses, resumes or cancels a batch this app is running. */
  control(batchId: string, action: 'pause' | 'resume' | 'cancel'): null {
    const tracked = this.tasks.get(batchId)
    if (!tracked)
      throw new AppError(
        'NOT_FOUND',
        `Batch ${batchId} is not running in this window: there is nothing to ${action}.`
      )
    tracked.task[action]()
    return null
  }

  /** A batch with its results and what can be done with it. */
  view(batchId: string): BatchView {
    const { summary, results } = this.bulk.read(batchId)
    const tracked = this.tasks.get(batchId)
    const needs = tracked ? undefined : this.bulk.resumeNeeds(batchId)
    const undo = this.bulk.undoPreview(batchId)
    return {
      summary,
      results,
      running: Boolean(tracked),
      undoing: tracked?.kind === 'undo',
      ...(tracked ? { progress: tracked.task.progress() } : {}),
      passwordsHeld: this.passwords.get(batchId)?.length ?? 0,
      resume: needs
        ? {
            recheck: needs.recheck,
            unsent: summary.state === 'undone' ? 0 : needs.unsent,
            needsFile: needs.csvPasswordRows.length > 0
          }
        : { recheck: 0, unsent: 0, needsFile: false },
      undoable: undo.users.length + undo.recheck
    }
  }

  /**
   * Resumes a batch: rows sent without an answer are looked up first. When rows need their passwords
   * from the CSV, the admin picks the same file; null when they cancel that dialog.
   */
  async resume(batchId: string, rate: { perSecond?: number }): Promise<{ batchId: string } | null> {
    const needs = this.bulk.resumeNeeds(batchId)
    let passwords = new Map<number, string>()
    if (needs.csvPasswordRows.length) {
      const path = await this.ports.dialogs.openFile('csv')
      if (!path) return null
      const text = readText(path, { maxBytes: maxCsvBytes, what: 'a bulk CSV' })
      passwords = this.bulk.resumePasswords(batchId, text, basename(path))
    }
    const { accountId, region } = this.bulk.read(batchId).summary.target
    const task = this.bulk.resume(
      batchId,
      { passwords },
      { pace: this.paceOf(accountId, region, rate.perSecond), ...this.hooks(() => task) }
    )
    return this.track(task)
  }

  /** Deletes the users the batch created, once the admin confirmed that many (a stale count is refused). */
  undo(batchId: string, confirmedCount: number): { batchId: string } {
    const preview = this.bulk.undoPreview(batchId)
    const count = preview.users.length + preview.recheck
    if (count !== confirmedCount)
      throw new AppError(
        'CONFLICT',
        `The batch now has ${count} user(s) to delete, not the ${confirmedCount} you confirmed: look again before undoing.`
      )
    const { accountId, region } = preview.target
    const task = this.bulk.undo(batchId, {
      pace: this.paceOf(accountId, region),
      ...this.hooks(() => task)
    })
    return this.track(task, 'undo')
  }

  /** Writes a batch's results (CSV with formulas defused, or JSON) where the admin chooses. */
  async exportFile(batchId: string, format: 'csv' | 'json'): Promise<{ path: string; count: number } | null> {
    const text = this.bulk.exportResults(batchId, format)
    const path = await this.ports.dialogs.saveFile(`batch-${batchId}-results.${format}`, format)
    if (!path) return null
    writeFileAtomic(path, text)
    return { path, count: this.bulk.read(batchId).results.length }
  }

  /**
   * Saves the batch's generated passwords to a new owner-only file the admin names, once: they are
   * forgotten here as soon as the file is written. Null when the dialog is cancelled (they stay held).
   */
  async savePasswords(batchId: string): Promise<{ path: string; count: number } | null> {
    const held = this.passwords.get(batchId)
    if (!held?.length)
      throw new AppError(
        'NOT_FOUND',
        `Batch ${batchId} holds no generated password: they are saved once, or were lost when the app closed.`
      )
    const path = await this.ports.dialogs.saveFile(`batch-${batchId}-passwords.csv`, 'csv')
    if (!path) return null
    const file = PasswordsFile.create(path)
    try {
      for (const entry of held) file.add(entry)
    } finally {
      file.close()
    }
    this.passwords.delete(batchId)
    return { path, count: held.length }
  }

  /**
   * What closing the window now would cost, for the question asked before it closes: batches running
   * (they stop, and resume later) and generated passwords not saved (they are lost). Undefined: nothing.
   */
  closeWarning(): string | undefined {
    const running = this.tasks.size
    const passwords = [...this.passwords.values()].reduce((sum, held) => sum + held.length, 0)
    const parts = [
      ...(passwords
        ? [
            `${passwords} generated password${passwords === 1 ? ' is' : 's are'} not saved: they are held nowhere else, and those users would need a password reset in Amazon Connect.`
          ]
        : []),
      ...(running
        ? [
            `${running} batch${running === 1 ? ' is' : 'es are'} running: ${running === 1 ? 'it stops' : 'they stop'} after the call in flight, and the app offers to resume at its next start.`
          ]
        : [])
    ]
    return parts.length ? parts.join(' ') : undefined
  }

  /** Writes the blank CSV of a form where the admin chooses. */
  async saveBlank(form: BulkForm): Promise<{ path: string } | null> {
    const path = await this.ports.dialogs.saveFile(`connect-provisioner-${form}.csv`, 'csv')
    if (!path) return null
    writeFileAtomic(path, blankCsv(form))
    return { path }
  }

  private async planPath(context: InstanceContext, path: string, options: PlanOptions): Promise<PlanView> {
    const text = readText(path, { maxBytes: maxCsvBytes, what: 'a bulk CSV' })
    const plan = await this.bulk.plan({
      context,
      text,
      fileName: basename(path),
      ...(options.template ? { template: options.template } : {}),
      ...(options.generatePasswords ? { generatePasswords: true } : {})
    })
    const planId = randomUUID()
    this.plans.set(planId, { plan, path, context, options })
    for (const old of [...this.plans.keys()].slice(0, -heldPlans)) this.plans.delete(old)
    return this.viewOf(planId, plan)
  }

  private viewOf(planId: string, plan: BulkPlan): PlanView {
    const { accountId, region } = plan.target
    const saved = this.ports.rates.accountRate(accountId, region)
    return {
      planId,
      fileName: plan.fileName,
      form: plan.form,
      target: plan.target,
      counts: plan.counts,
      ignoredColumns: plan.ignoredColumns,
      problems: plan.problems,
      pace: { ...this.paceOf(accountId, region), saved: saved !== undefined },
      rows: plan.rows.map((r) => {
        if (r.status === 'exists')
          return { row: r.row, username: r.username, status: r.status, userId: r.userId }
        if (r.status === 'error')
          return { row: r.row, username: r.username, status: r.status, problems: r.problems }
        const info = r.request.IdentityInfo
        const name = [info?.FirstName, info?.LastName].filter(Boolean).join(' ')
        return {
          row: r.row,
          username: r.username,
          status: r.status,
          ...(name ? { name } : {}),
          ...(info?.Email ? { email: info.Email } : {}),
          ...(r.generatedPassword ? { generatedPassword: true } : {})
        }
      })
    }
  }

  private held(planId: string): HeldPlan {
    const held = this.plans.get(planId)
    if (!held)
      throw new AppError(
        'NOT_FOUND',
        'That plan is no longer held (it ran, or a newer file was planned): choose the file again.'
      )
    return held
  }

  /** The pace of a run: the rate given, else the account's saved rate, else the app's default. */
  private paceOf(accountId: string, region: string, perSecond?: number): Pace {
    const rate = perSecond ?? this.ports.rates.accountRate(accountId, region)
    return rate === undefined
      ? this.ports.defaultPace
      : { perSecond: rate, burst: this.ports.defaultPace.burst }
  }

  /** Progress and generated-password hooks of a task not built yet (`task` is read once it exists). */
  private hooks(task: () => RunningTask): {
    onProgress(progress: BatchProgress): void
    onGeneratedPassword(generated: GeneratedPassword): void
  } {
    return {
      onProgress: (progress) => {
        const tracked = this.tasks.get(task().batchId)
        if (tracked) this.schedule(tracked, progress)
      },
      onGeneratedPassword: (generated) => {
        const batchId = task().batchId
        this.passwords.set(batchId, [...(this.passwords.get(batchId) ?? []), generated])
      }
    }
  }

  private track(task: RunningTask, kind: Tracked['kind'] = 'run'): { batchId: string } {
    const tracked: Tracked = { task, kind, pending: [] }
    this.tasks.set(task.batchId, tracked)
    void task.done
      .catch(() => undefined)
      .finally(() => {
        if (tracked.timer) clearTimeout(tracked.timer)
        this.tasks.delete(task.batchId)
        this.flush(tracked)
      })
    return { batchId: task.batchId }
  }

  /** Collects the row just finished; sends at most one event per interval. */
  private schedule(tracked: Tracked, progress: BatchProgress): void {
    const { last } = progress
    if (last && last !== tracked.collected) {
      tracked.collected = last
      tracked.pending.push(last)
    }
    tracked.timer ??= setTimeout(() => {
      tracked.timer = undefined
      this.flush(tracked)
    }, this.ports.progressEveryMs ?? 100)
  }

  private flush(tracked: Tracked): void {
    const { batchId } = tracked.task
    this.ports.emit({
      progress: tracked.task.progress(),
      rows: tracked.pending.splice(0),
      passwordsHeld: this.passwords.get(batchId)?.length ?? 0
    })
  }
}
