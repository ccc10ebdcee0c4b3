/**
 * Bulk plan: the dry run of a parsed file against one instance. Every row is checked with the rules of
 * single create (the template schema, name resolution, `validateCreateUser`), duplicates inside the file
 * and users the instance already has are found, and each row becomes the exact CreateUser request, an
 * `exists` (skipped) or an `error` with every problem mapped to the column the admin wrote. Pure and
 * fast: no network, no clock, no randomness but generated passwords.
 */
import {
  buildCreateUserRequest,
  generatePassword,
  personSchema,
  validateCreateUser,
  withDerivedFields,
  type CreateUserRequest,
  type PersonFields
} from '../create-user'
import { bulkLimits } from './csv'
import {
  resolveTemplate,
  type InstanceLookups,
  type ResolveResult,
  type ResolvedIds
} from '../template-resolve'
import { templateSchema, type Template, type TemplateInput } from '../templates'
import type {
  BatchTarget,
  BulkField,
  BulkForm,
  BulkPlan,
  BulkRow,
  ParsedCsv,
  PlannedRow,
  RowPhone,
  RowProblem
} from './types'

/** What a plan needs: the parsed file, where it goes, and what the caller looked up once for the instance. */
export interface BulkPlanInput {
  parsed: ParsedCsv
  fileName: string
  target: BatchTarget
  /** Saved templates by name (roster form); the caller decides how names match. */
  templates: (name: string) => Template | undefined
  /** The roster's template for rows that name none (ignored by the console form). */
  defaultTemplate?: string
  /** Names → IDs of the target instance, fetched or cached once. */
  lookups: InstanceLookups
  /** The instance's users, lower-cased username → user ID, from one paginated listing. */
  existing: ReadonlyMap<string, string>
  /** Give CONNECT_MANAGED rows without a password a generated one (`generatedPassword: true`). */
  generatePasswords?: boolean
}

/** What a console row gets when it leaves a phone cell blank: a soft phone, no auto-accept, no ACW limit. */
export const consoleDefaults = {
  phoneType: 'SOFT_PHONE',
  autoAccept: false,
  afterContactWorkSeconds: 0
} as const satisfies Required<Omit<RowPhone, 'deskPhoneNumber'>>

/** The name a console row's settings carry when checked as a template. */
const consoleTemplateName = 'CSV row'

/** Request fields of `validateCreateUser` and the column that gives each. */
const apiFieldColumns: Record<string, BulkField> = {
  Username: 'username',
  Password: 'password',
  DirectoryUserId: 'directoryUserId',
  'IdentityInfo.FirstName': 'firstName',
  'IdentityInfo.LastName': 'lastName',
  'IdentityInfo.Email': 'email',
  'IdentityInfo.SecondaryEmail': 'secondaryEmail',
  'IdentityInfo.Mobile': 'mobile',
  PhoneNumber: 'deskPhoneNumber',
  RoutingProfileId: 'routingProfile',
  SecurityProfileIds: 'securityProfiles',
  HierarchyGroupId: 'hierarchyGroup',
  Tags: 'tags'
}

/** The bulk field behind a CreateUser request field (`IdentityInfo.Email` → `email`), if a column gives it. */
export function bulkFieldOf(apiField: string): BulkField | undefined {
  return apiFieldColumns[apiField]
}

const phoneKeys: Record<string, BulkField> = {
  phoneType: 'phoneType',
  deskPhoneNumber: 'deskPhoneNumber',
  phoneNumber: 'deskPhoneNumber',
  autoAccept: 'autoAccept',
  afterContactWorkSeconds: 'afterContactWorkSeconds'
}

/** The bulk field behind a template schema issue's path. */
function templateField(path: readonly PropertyKey[]): BulkField | undefined {
  const [head] = path
  if (
    head === 'routingProfile' ||
    head === 'securityProfiles' ||
    head === 'hierarchyGroup' ||
    head === 'tags'
  )
    return head
  if (head !== 'phone') return undefined
  const key = path.findLast((p): p is string => typeof p === 'string' && p in phoneKeys)
  return key ? phoneKeys[key] : undefined
}

/** Person fields: when the template's settings are broken, these are still checked. */
const isPersonField = (apiField: string): boolean =>
  apiField.startsWith('IdentityInfo.') || ['Username', 'Password', 'DirectoryUserId'].includes(apiField)

/** A schema message as a sentence: "a desk phone needs its number" → "A desk phone needs its number." */
const sentence = (message: string): string => {
  const text = message.charAt(0).toUpperCase() + message.slice(1)
  return /[.!?]$/.test(text) ? text : `${text}.`
}

/** Checks only person fields; its settings are never sent (it stands in when a row's settings are broken). */
const standIn: Template = templateSchema.parse({
  name: consoleTemplateName,
  routingProfile: '-',
  securityProfiles: ['-'],
  phone: { mode: 'classic', ...consoleDefaults }
} satisfies TemplateInput)

/** The person fields a row can give, with the longest cell the parser reads (within `personSchema`'s). */
const personCells = [
  'username',
  'firstName',
  'lastName',
  'email',
  'secondaryEmail',
  'mobile',
  'password',
  'directoryUserId'
] as const

/**
 * `personSchema.parse` for what the parser makes (strings within the cell limits), without zod's cost per
 * row; undefined for anything else, which then goes through the schema.
 */
function personFields(input: BulkRow['person']): PersonFields | undefined {
  const fields: PersonFields = {
    username: '',
    firstName: '',
    lastName: '',
    email: '',
    secondaryEmail: '',
    mobile: '',
    password: '',
    directoryUserId: '',
    hierarchyGroup: '',
    phoneNumber: '',
    tags: {}
  }
  let given = 0
  for (const key of personCells) {
    const value = input[key]
    if (value === undefined) continue
    if (typeof value !== 'string' || value.length > bulkLimits.cell[key]) return undefined
    fields[key] = value
    given++
  }
  return given === Object.keys(input).length ? fields : undefined
}

/** A row's phone cells over a template's phone (roster), or over the console defaults. */
function mergePhone(base: Template['phone'] | undefined, row: RowPhone | undefined): TemplateInput['phone'] {
  const p = row ?? {}
  const given = <K extends keyof RowPhone>(key: K): Partial<Pick<RowPhone, K>> =>
    p[key] !== undefined ? ({ [key]: p[key] } as Partial<Pick<RowPhone, K>>) : {}
  if (!base) {
    return {
      mode: 'classic',
      phoneType: p.phoneType ?? (p.deskPhoneNumber ? 'DESK_PHONE' : consoleDefaults.phoneType),
      autoAccept: p.autoAccept ?? consoleDefaults.autoAccept,
      afterContactWorkSeconds: p.afterContactWorkSeconds ?? consoleDefaults.afterContactWorkSeconds,
      ...given('deskPhoneNumber')
    }
  }
  if (!row) return base
  if (base.mode === 'classic') {
    const { deskPhoneNumber: baseNumber, ...rest } = base
    const phoneType = p.phoneType ?? (p.deskPhoneNumber ? 'DESK_PHONE' : base.phoneType)
    const number = p.deskPhoneNumber ?? (phoneType === 'DESK_PHONE' ? baseNumber : undefined)
    return {
      ...rest,
      phoneType,
      ...given('autoAccept'),
      ...given('afterContactWorkSeconds'),
      ...(number ? { deskPhoneNumber: number } : {})
    }
  }
  // A per-channel template: the row's cells are about the phone, so they apply to VOICE.
  const voiceBase = base.voice
  const phoneType = p.phoneType ?? (p.deskPhoneNumber ? 'DESK_PHONE' : voiceBase?.phoneType)
  let voice = voiceBase
  if (phoneType) {
    const { phoneNumber: baseNumber, ...rest } = voiceBase ?? { phoneType }
    const number = p.deskPhoneNumber ?? (phoneType === 'DESK_PHONE' ? baseNumber : undefined)
    voice = { ...rest, phoneType, ...(number ? { phoneNumber: number } : {}) }
  }
  const channelChange = {
    ...(p.autoAccept !== undefined ? { autoAccept: p.autoAccept } : {}),
    ...(p.afterContactWorkSeconds !== undefined ? { afterContactWorkSeconds: p.afterContactWorkSeconds } : {})
  }
  const channels = Object.keys(channelChange).length
    ? { ...base.channels, VOICE: { ...base.channels.VOICE, ...channelChange } }
    : base.channels
  return { mode: 'per-channel', channels, ...(voice ? { voice } : {}) }
}

/** The settings a row is created with: the row's cells over its template (roster) or the console defaults. */
function effectiveInput(base: Template | undefined, settings: BulkRow['settings']): TemplateInput {
  const hierarchyGroup = settings.hierarchyGroup ?? base?.hierarchyGroup
  return {
    name: base?.name ?? consoleTemplateName,
    routingProfile: settings.routingProfile ?? base?.routingProfile ?? '',
    securityProfiles: settings.securityProfiles ?? base?.securityProfiles ?? [],
    ...(hierarchyGroup ? { hierarchyGroup } : {}),
    phone: mergePhone(base?.phone, settings.phone),
    tags: { ...base?.tags, ...settings.tags },
    ...(base ? { rules: base.rules } : {})
  }
}

/** Whether the row's own cells give `field` (else it comes from the template). */
function rowGives(row: BulkRow, field: BulkField): boolean {
  switch (field) {
    case 'routingProfile':
    case 'securityProfiles':
    case 'hierarchyGroup':
    case 'tags':
      return row.settings[field] !== undefined
    case 'phoneType':
    case 'deskPhoneNumber':
    case 'autoAccept':
    case 'afterContactWorkSeconds':
      return row.settings.phone?.[field] !== undefined
    default:
      return true
  }
}

/** One row's settings, checked and resolved: shared by every row with the same template and cells. */
interface Settled {
  template?: Template
  issues: Array<{ field?: BulkField; message: string }>
  resolved?: ResolveResult
}

const placeholders = (template: Template): ResolvedIds => ({
  routingProfileId: `⟨${template.routingProfile}⟩`,
  securityProfileIds: template.securityProfiles.map((n) => `⟨${n}⟩`),
  ...(template.hierarchyGroup ? { hierarchyGroupId: `⟨${template.hierarchyGroup}⟩` } : {})
})

/**
 * Plans a parsed file against one instance: each row checked with the same rules as single create and
 * given the exact request (`create`), found among the instance's users (`exists`, skipped) or refused
 * (`error`, every problem with its row, column as written and how to fix it). The second and later rows
 * with a username or e-mail already in the file (ignoring case) are errors naming the first.
 */
export function planBatch(input: BulkPlanInput): BulkPlan {
  const { parsed, target, lookups, existing } = input
  const form: BulkForm = parsed.form
  const columnOf = new Map<BulkField, string>()
  for (const c of parsed.columns) if (!columnOf.has(c.field)) columnOf.set(c.field, c.header)
  const problems: RowProblem[] = parsed.problems.filter((p) => p.row === 0)
  const cellProblems = new Map<number, RowProblem[]>()
  for (const p of parsed.problems) {
    if (p.row === 0) continue
    const list = cellProblems.get(p.row)
    if (list) list.push(p)
    else cellProblems.set(p.row, [p])
  }

  const templateCache = new Map<string, Template | undefined>()
  const templateNamed = (name: string): Template | undefined => {
    if (!templateCache.has(name)) templateCache.set(name, input.templates(name))
    return templateCache.get(name)
  }
  if (form === 'roster') {
    const fileTemplate = input.defaultTemplate?.trim()
    const everyRowNames = parsed.rows.every((r) => r.template)
    if (!fileTemplate && !everyRowNames && parsed.rows.length)
      problems.push({
        row: 0,
        message: columnOf.has('template')
          ? 'Some rows name no template: choose a template for the file, or name one in each row.'
          : 'A roster needs a template: choose one for the file, or add a template column.'
      })
    if (fileTemplate && !everyRowNames && !templateNamed(fileTemplate))
      problems.push({ row: 0, message: `The template "${fileTemplate}" chosen for the file does not exist.` })
    if (!columnOf.has('username')) {
      const names = new Set(parsed.rows.map((r) => r.template ?? fileTemplate ?? ''))
      for (const name of names) {
        const template = name ? templateNamed(name) : undefined
        if (template && !template.rules.usernamePattern)
          problems.push({
            row: 0,
            message: `The file has no username column and template "${name}" has no username pattern: add a username column, or give the template a username pattern.`
          })
      }
    }
  }

  const settledCache = new Map<string, Settled>()
  const settle = (base: Template | undefined, row: BulkRow): Settled => {
    const key = `${base?.name ?? ''}\u0000${JSON.stringify(row.settings)}`
    const cached = settledCache.get(key)
    if (cached) return cached
    const checked = templateSchema.safeParse(effectiveInput(base, row.settings))
    const settled: Settled = checked.success
      ? { template: checked.data, issues: [], resolved: resolveTemplate(checked.data, lookups) }
      : {
          issues: checked.error.issues.map((i) => {
            const field = templateField(i.path)
            return { ...(field ? { field } : {}), message: sentence(i.message) }
          })
        }
    settledCache.set(key, settled)
    return settled
  }

  const firstByUsername = new Map<string, number>()
  const firstByEmail = new Map<string, number>()
  const planned: PlannedRow[] = []
  /** Rows whose settings named something the instance's names do not have. */
  let unresolved = 0
  for (const row of parsed.rows) {
    const line = row.row
    const rowProblems: RowProblem[] = [...(cellProblems.get(line) ?? [])]
    cellProblems.delete(line)
    // A later check on a column the row already has a problem with would only repeat it.
    const settledColumns = new Set(rowProblems.map((p) => p.column))
    const stage: RowProblem[] = []
    const add = (field: BulkField | undefined, message: string, fromTemplate?: string): void => {
      const column = field ? columnOf.get(field) : undefined
      if (column && settledColumns.has(column)) return
      const text = fromTemplate && !column ? `Template "${fromTemplate}": ${message}` : message
      if (stage.some((p) => p.column === column && p.message === text)) return
      stage.push({ row: line, ...(column ? { column } : {}), message: text })
    }
    const endStage = (): void => {
      for (const p of stage) settledColumns.add(p.column)
      rowProblems.push(...stage.splice(0))
    }

    // The template (roster): the row's, else the file's.
    let base: Template | undefined
    if (form === 'roster') {
      const name = row.template ?? input.defaultTemplate?.trim()
      base = name ? templateNamed(name) : undefined
      if (!name)
        add(undefined, 'No template: choose a template for the file, or name one in a template column.')
      else if (!base)
        add(
          row.template ? 'template' : undefined,
          `There is no template named "${name}": check the name in Templates, or create it.`
        )
    }
    // Where a setting's problem is reported: its column when the row gave it, else the template.
    const source = (field: BulkField | undefined): [BulkField | undefined, string | undefined] =>
      field && (form === 'console' || rowGives(row, field)) ? [field, undefined] : [undefined, base?.name]

    let fields = personFields(row.person)
    if (!fields) {
      const personParsed = personSchema.safeParse(row.person)
      fields = personParsed.success ? personParsed.data : personSchema.parse({})
      if (!personParsed.success)
        for (const issue of personParsed.error.issues) {
          const key = personCells.find((k) => k === issue.path[0])
          add(key, sentence(issue.message))
        }
    }
    const person = withDerivedFields(fields, base ?? standIn)
    const username = person.username
    const userId = username ? existing.get(username.toLowerCase()) : undefined
    const usernameKey = username.toLowerCase()
    const emailKey = person.email.toLowerCase()
    const firstUsernameRow = username ? firstByUsername.get(usernameKey) : undefined
    const firstEmailRow = emailKey ? firstByEmail.get(emailKey) : undefined
    if (username && firstUsernameRow === undefined) firstByUsername.set(usernameKey, line)
    if (emailKey && firstEmailRow === undefined) firstByEmail.set(emailKey, line)
    if (userId) {
      planned.push({ row: line, username, status: 'exists', userId })
      continue
    }
    let generated = false
    if (input.generatePasswords && target.identityType === 'CONNECT_MANAGED' && !person.password) {
      person.password = generatePassword()
      generated = true
    }
    endStage()

    // The settings: checked as a template, then resolved to the instance's IDs.
    const settled = base || form === 'console' ? settle(base, row) : undefined
    for (const issue of settled?.issues ?? []) {
      const [field, template] = source(issue.field)
      add(field, issue.message, template)
    }
    endStage()
    if (settled?.resolved && !settled.resolved.ok) unresolved++
    if (settled?.resolved && !settled.resolved.ok)
      for (const p of settled.resolved.problems) {
        const [field, template] = source(p.field)
        add(field, p.message, template)
      }
    endStage()

    // The request, checked with single create's rules (only the person's fields when the settings are broken).
    const template = settled?.template ?? standIn
    const ids = settled?.resolved?.ok ? settled.resolved.ids : placeholders(template)
    const request: CreateUserRequest = buildCreateUserRequest(template, ids, person, target.instanceId)
    // Without its template a roster row's blank username and e-mail may just be waiting to be derived.
    const underived = (field: string): boolean =>
      form === 'roster' &&
      !base &&
      ((field === 'Username' && !fields.username.trim()) ||
        (field === 'IdentityInfo.Email' && !fields.email.trim()))
    for (const p of validateCreateUser(request, target.identityType)) {
      if (!settled?.template && !isPersonField(p.field)) continue
      if (underived(p.field)) continue
      const [field, fromTemplate] = source(apiFieldColumns[p.field])
      add(field, p.message, fromTemplate)
    }
    endStage()

    if (firstUsernameRow !== undefined)
      rowProblems.push({
        row: line,
        ...(columnOf.has('username') ? { column: columnOf.get('username') } : {}),
        message: `The username "${username}" is also on row ${firstUsernameRow}: each username can be used once (compared ignoring case).`
      })
    if (firstEmailRow !== undefined)
      rowProblems.push({
        row: line,
        ...(columnOf.has('email') ? { column: columnOf.get('email') } : {}),
        message: `The e-mail address "${person.email}" is also on row ${firstEmailRow}: give each person their own.`
      })

    planned.push(
      rowProblems.length
        ? { row: line, username, status: 'error', problems: rowProblems }
        : { row: line, username, status: 'create', request, generatedPassword: generated }
    )
  }
  // Rows that could not be read (a broken quote, extra cells): errors, so the counts cover every line.
  for (const [line, rowProblems] of cellProblems)
    planned.push({ row: line, username: '', status: 'error', problems: rowProblems })
  planned.sort((a, b) => a.row - b.row)

  const counts = { create: 0, exists: 0, error: 0 }
  for (const p of planned) counts[p.status]++
  return {
    form,
    fileName: input.fileName,
    target,
    rows: planned,
    counts,
    ignoredColumns: parsed.ignored,
    problems,
    unresolved
  }
}
