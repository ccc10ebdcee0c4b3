/** The audit trail of user creation, and its CSV export (safe to open in a spreadsheet). */

/**
 * What became of one CreateUser step. `started` is written before the call; then one of the others.
 * `refused` means nothing was sent; `unknown` means AWS may have created the user and nothing could
 * confirm it either way; `deleted` is a user a batch created and its undo deleted (DeleteUser). Listed
 * in the order the Activity filter offers them.
 */
export const auditOutcomes = ['created', 'refused', 'failed', 'unknown', 'started', 'deleted'] as const
export type AuditOutcome = (typeof auditOutcomes)[number]

/** One step of one CreateUser, as appended to audit.jsonl. */
export interface AuditEntry {
  time: string
  osUser: string
  profile: string
  accountId: string
  region: string
  instanceId: string
  instanceAlias: string
  username: string
  outcome: AuditOutcome
  userId?: string
  userArn?: string
  errorCode?: string
  message?: string
  /** The request with the password replaced by a marker. */
  request?: Record<string, unknown>
  /** The bulk batch this step belongs to (its journal is batches/<batchId>.jsonl). */
  batchId?: string
}

export const auditColumns = [
  'time',
  'outcome',
  'username',
  'profile',
  'accountId',
  'region',
  'instanceAlias',
  'instanceId',
  'userId',
  'userArn',
  'errorCode',
  'message',
  'osUser',
  'batchId'
] as const

/** A CSV cell: quoted, and a leading = + - @ (or tab/CR) defused so spreadsheets never run it as a formula. */
export function csvCell(value: unknown): string {
  let text = value === undefined || value === null ? '' : String(value)
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`
  return `"${text.replace(/"/g, '""')}"`
}

/** The entries as CSV with a header row. */
export function auditCsv(entries: readonly AuditEntry[]): string {
  const rows = [
    auditColumns.map(csvCell).join(','),
    ...entries.map((e) => auditColumns.map((c) => csvCell(e[c])).join(','))
  ]
  return `${rows.join('\r\n')}\r\n`
}

/** Entries matching a free-text query and an outcome filter. */
export function filterAudit(
  entries: readonly AuditEntry[],
  query: string,
  outcome: AuditOutcome | ''
): AuditEntry[] {
  const needle = query.trim().toLowerCase()
  return entries.filter(
    (e) =>
      (!outcome || e.outcome === outcome) &&
      (!needle ||
        [e.username, e.profile, e.accountId, e.instanceAlias, e.region, e.errorCode ?? '', e.message ?? '']
          .join(' ')
          .toLowerCase()
          .includes(needle))
  )
}

/** The outcomes that end an attempt `started` opened. */
const finalOutcomes: ReadonlySet<AuditOutcome> = new Set(['created', 'failed', 'unknown'])

/**
 * One row per attempt, newest first: a `started` step and the outcome logged after it for the same
 * user, instance and batch become one entry with that outcome (and the outcome's time). A `started`
 * left without an outcome (the app stopped mid-call) stays as it is. `entries` are newest first, as
 * the log reads them.
 */
export function attemptsOf(entries: readonly AuditEntry[]): AuditEntry[] {
  const rows: AuditEntry[] = []
  const open = new Map<string, number>()
  const keyOf = (e: AuditEntry): string =>
    [e.batchId ?? '', e.accountId, e.instanceId, e.username.toLowerCase()].join('|')
  for (const entry of [...entries].reverse()) {
    const key = keyOf(entry)
    const started = open.get(key)
    if (entry.outcome === 'started') {
      open.set(key, rows.length)
      rows.push(entry)
    } else if (started !== undefined && finalOutcomes.has(entry.outcome)) {
      rows[started] = entry
      open.delete(key)
    } else rows.push(entry)
  }
  return rows.reverse()
}
