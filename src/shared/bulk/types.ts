/**
 * Bulk's contract between its pure half (src/shared/bulk: CSV forms, rows, plan) and its Node half
 * (src/main/services/bulk: journal, runner, undo). The journal is the truth about a batch: history,
 * results, resume and undo are read from it. Passwords never appear in anything declared here except
 * `PlannedCreate.request`, which lives in memory only.
 */
import type { CreateUserRequest, PersonInput } from '../create-user'
import type { IdentityType, PhoneType } from '../connect-rules'
import type { TemplateInput } from '../templates'

/** The two CSV layouts, recognised from the header. */
export type BulkForm =
  /** The Amazon Connect admin website's bulk template, as is (and its older variants). */
  | 'console'
  /** People against saved templates: person columns, an optional `template` column, optional overrides. */
  | 'roster'

/**
 * What a CSV column means, whatever the form calls it (`user login` and `username` are both `username`).
 * Person fields, the row's template, and the settings a row gives or overrides.
 */
export type BulkField =
  | 'firstName'
  | 'lastName'
  | 'email'
  | 'secondaryEmail'
  | 'mobile'
  | 'password'
  | 'username'
  | 'directoryUserId'
  | 'template'
  | 'routingProfile'
  | 'securityProfiles'
  | 'hierarchyGroup'
  | 'phoneType'
  | 'deskPhoneNumber'
  | 'autoAccept'
  | 'afterContactWorkSeconds'
  | 'tags'

/**
 * Phone settings given by a row's own cells. Each one given overrides the template's (roster form) or
 * the console form's default (soft phone, no auto-accept, ACW 0); in a per-channel template they apply
 * to VOICE.
 */
export interface RowPhone {
  phoneType?: PhoneType
  deskPhoneNumber?: string
  autoAccept?: boolean
  afterContactWorkSeconds?: number
}

/** Something wrong with the file or one row, said so the admin can fix it. */
export interface RowProblem {
  /** The line of the file (the header is line 1); 0 for the file as a whole. */
  row: number
  /** The column as written in the file's header, when one column is at fault. */
  column?: string
  message: string
}

/** One data row, read from the CSV and mapped to what single create takes. */
export interface BulkRow {
  /** The line of the file (the header is line 1; a quoted field with newlines keeps its first line). */
  row: number
  person: PersonInput
  /** The template named by the row (roster form), if any. */
  template?: string
  /** Settings given by the row's own columns (console form: all of them; roster: overrides). */
  settings: Partial<
    Pick<TemplateInput, 'routingProfile' | 'securityProfiles' | 'hierarchyGroup' | 'tags'>
  > & {
    phone?: RowPhone
  }
}

/** A parsed file: its form, how its columns were read, its rows, and what could not be read. */
export interface ParsedCsv {
  form: BulkForm
  delimiter: ',' | ';'
  /** Header cells as written, each with the field it was matched to. */
  columns: Array<{ header: string; field: BulkField }>
  /** Header cells matched to nothing: listed as ignored. */
  ignored: string[]
  rows: BulkRow[]
  problems: RowProblem[]
}

/** Where a batch goes: an instance, with what the plan learned about it. */
export interface BatchTarget {
  profile: string
  region: string
  instanceId: string
  accountId: string
  instanceAlias: string
  identityType: IdentityType
}

/** One row of a plan. */
export type PlannedRow =
  | PlannedCreate
  | { row: number; username: string; status: 'exists'; userId: string }
  | { row: number; username: string; status: 'error'; problems: RowProblem[] }

/** A row to create: the exact request (password included, in memory only). */
export interface PlannedCreate {
  row: number
  username: string
  status: 'create'
  request: CreateUserRequest
  /** True when the password was generated for this row (CONNECT_MANAGED rows without one, when asked). */
  generatedPassword: boolean
}

/** The dry run: every row checked and resolved, nothing sent. */
export interface BulkPlan {
  form: BulkForm
  fileName: string
  target: BatchTarget
  rows: PlannedRow[]
  counts: { create: number; exists: number; error: number }
  ignoredColumns: string[]
  /**
   * Problems of the file as a whole (row 0). A row that could not be read (a broken quote, too many
   * cells) is an `error` row of `rows`, with an empty username, so the counts cover every line.
   */
  problems: RowProblem[]
  /** Rows whose routing profile, security profiles or hierarchy did not resolve in the instance's names. */
  unresolved: number
}

/** What became of one row when the batch ran. */
export type RowOutcome = 'created' | 'exists' | 'failed' | 'unknown' | 'skipped'

/** A batch's state, as its journal says. */
export type BatchState =
  'planned' | 'running' | 'paused' | 'interrupted' | 'cancelled' | 'stopped' | 'finished' | 'undone'

/** One line of a batch's journal (JSON Lines, fsync'd). Never a password. */
export type JournalEntry =
  | {
      type: 'plan'
      batchId: string
      at: string
      osUser: string
      fileName: string
      form: BulkForm
      target: BatchTarget
      rows: Array<{
        row: number
        username: string
        status: PlannedRow['status']
        userId?: string
        hasPassword: boolean
        /** For 'create' rows: the request with its password masked (resume and undo rebuild from it). */
        request?: CreateUserRequest
        /** For 'create' rows: the password was generated (lost on a crash; resume makes a new one). */
        generatedPassword?: boolean
        /** For 'error' rows: what the plan found wrong. */
        problems?: RowProblem[]
      }>
    }
  | { type: 'intent'; at: string; row: number; username: string }
  | {
      type: 'outcome'
      at: string
      row: number
      username: string
      outcome: RowOutcome
      userId?: string
      userArn?: string
      errorCode?: string
      message?: string
    }
  | { type: 'state'; at: string; state: BatchState; reason?: string }
  | { type: 'undo-intent'; at: string; row: number; userId: string }
  | {
      type: 'undo-outcome'
      at: string
      row: number
      userId: string
      outcome: 'deleted' | 'gone' | 'failed'
      message?: string
    }

/** A past or running batch, as the history lists it (read from its journal). */
export interface BatchSummary {
  batchId: string
  at: string
  osUser: string
  fileName: string
  target: BatchTarget
  state: BatchState
  counts: {
    created: number
    exists: number
    failed: number
    unknown: number
    left: number
    deleted: number
    /** Rows the plan refused (errors in the file): never sent. */
    refused: number
  }
  /** Why the batch stopped (the users quota, credentials…), as the runner said it, when it did. */
  reason?: string
}

/** One row of a batch's results (export CSV/JSON). */
export interface BatchResultRow {
  row: number
  username: string
  /** `queued` and `sending` only while the batch runs: not sent yet, and sent without an answer yet. */
  outcome: RowOutcome | 'planned-error' | 'queued' | 'sending'
  userId?: string
  userArn?: string
  errorCode?: string
  message?: string
}

/** Progress of a running batch, pushed to the window and the CLI. */
export interface BatchProgress {
  batchId: string
  state: BatchState
  counts: BatchSummary['counts']
  /** Rows per second over the last few seconds. */
  rate: number
  /** Seconds left at that rate; undefined until known. */
  etaSeconds?: number
  /** The row that just finished, for the per-row table. */
  last?: BatchResultRow
  /** "Throttled, retrying (3 of 8)…" and the like. */
  note?: string
}

/** One row of a plan as the window shows it: never a request, never a password. */
export interface PlanViewRow {
  row: number
  username: string
  status: PlannedRow['status']
  /** The person's name and e-mail, for 'create' rows. */
  name?: string
  email?: string
  /** For 'exists' rows: the user already in the instance. */
  userId?: string
  /** For 'error' rows: what to fix, with the column. */
  problems?: RowProblem[]
  /** For 'create' rows: the password will be generated. */
  generatedPassword?: boolean
}

/** A plan as the window sees it (the plan itself, with its passwords, stays in main). */
export interface PlanView {
  /** Names the plan held in main, for `bulk:run`. */
  planId: string
  fileName: string
  form: BulkForm
  target: BatchTarget
  counts: BulkPlan['counts']
  ignoredColumns: string[]
  problems: RowProblem[]
  rows: PlanViewRow[]
  /** The rate the run goes at: the account's saved rate (a quota AWS raised), else the app's default. */
  pace: { perSecond: number; burst: number; saved: boolean }
}

/** A batch as the window shows it: its summary, every row's result, and what can be done with it. */
export interface BatchView {
  summary: BatchSummary
  results: BatchResultRow[]
  /** This app is running it (pause, resume and cancel apply). */
  running: boolean
  /** What is running is the batch's undo. */
  undoing: boolean
  /** The latest progress, while it runs. */
  progress?: BatchProgress
  /** Generated passwords held in memory for this batch, not saved yet (saved once, then forgotten). */
  passwordsHeld: number
  /** What resuming would do: rows to look up first and rows to send (0 and 0: nothing to resume). */
  resume: { recheck: number; unsent: number; needsFile: boolean }
  /** Users the batch created and not deleted: what an undo would delete. */
  undoable: number
}

/** Pushed to the window while a batch runs or is undone: progress and the rows finished since. */
export interface BatchProgressEvent {
  progress: BatchProgress
  rows: BatchResultRow[]
  passwordsHeld: number
}
