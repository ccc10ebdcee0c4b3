/**
 * Bulk CSV: the two forms (the Amazon Connect admin website's bulk template as is, and a roster of people
 * against saved templates), read with papaparse and mapped cell by cell to what single create takes.
 * Every cell that cannot be read is a RowProblem with its line, its column as written and how to fix it.
 * Pure: runs in main, the CLI and the renderer. docs/bulk.md describes the format.
 */
import Papa from 'papaparse'
import type { PhoneType } from '../connect-rules'
import { parseTags } from '../tags'
import type { BulkField, BulkForm, BulkRow, ParsedCsv, RowPhone, RowProblem } from './types'

/**
 * What a bulk file may hold; beyond these the file, or the cell, is refused with a message naming the
 * limit. Cells are capped at the lengths single create accepts (Connect's own limits are checked later,
 * with the request).
 */
export const bulkLimits = {
  /** Data rows in one file (the admin website takes 1,000). */
  rows: 10_000,
  /** The file, in UTF-8 bytes. */
  fileBytes: 10 * 1024 * 1024,
  /** The longest cell read, in characters, per column. */
  cell: {
    firstName: 400,
    lastName: 400,
    email: 400,
    secondaryEmail: 400,
    mobile: 40,
    password: 200,
    username: 200,
    directoryUserId: 200,
    template: 100,
    routingProfile: 127,
    /** Ten names of 127 characters and their separators. */
    securityProfiles: 1_300,
    /** Five levels of 100 characters and their separators. */
    hierarchyGroup: 504,
    phoneType: 20,
    deskPhoneNumber: 40,
    autoAccept: 10,
    afterContactWorkSeconds: 20,
    /** 50 tags of a 128-character key and a 256-character value. */
    tags: 20_000
  } satisfies Record<BulkField, number>
} as const

/** The admin website's bulk template header (2024/25 guide), in its own words: what `blankCsv('console')` writes. */
export const consoleColumns = [
  'first name',
  'last name',
  'email address',
  'secondary email address',
  'mobile',
  'password',
  'user login',
  'routing profile name',
  'security_profile_name_1|security_profile_name_2',
  'user_hierarchy_1|user_hierarchy_2',
  'phone type (soft/desk)',
  'phone number',
  'soft phone auto accept (yes/no)',
  'ACW timeout (seconds)',
  'tags'
] as const

/** The roster form's columns: person columns, the template, then the overrides. What `blankCsv('roster')` writes. */
export const rosterColumns = [
  'first name',
  'last name',
  'email',
  'username',
  'mobile',
  'secondary email',
  'password',
  'directory user id',
  'template',
  'routing profile',
  'security profiles',
  'hierarchy',
  'phone type',
  'desk phone',
  'auto accept',
  'ACW',
  'tags'
] as const

/** The names each field is known by, in either form (matched after `normaliseHeader`). */
const aliases: Record<BulkField, readonly string[]> = {
  firstName: ['first name', 'given name'],
  lastName: ['last name', 'surname', 'family name'],
  email: ['email', 'email address', 'mail'],
  secondaryEmail: ['secondary email', 'secondary email address'],
  mobile: ['mobile', 'mobile number', 'mobile phone'],
  password: ['password'],
  username: ['username', 'user login', 'login'],
  directoryUserId: ['directory user id', 'directory id'],
  template: ['template', 'template name'],
  routingProfile: ['routing profile', 'routing profile name'],
  securityProfiles: ['security profiles', 'security profile'],
  hierarchyGroup: ['hierarchy', 'hierarchy group', 'agent hierarchy', 'user hierarchy'],
  phoneType: ['phone type', 'phone type (soft/desk)'],
  deskPhoneNumber: ['phone number', 'desk phone', 'desk phone number'],
  autoAccept: [
    'auto accept',
    'auto accept (yes/no)',
    'soft phone auto accept',
    'soft phone auto accept (yes/no)'
  ],
  afterContactWorkSeconds: [
    'acw',
    'acw seconds',
    'acw timeout',
    'acw timeout (seconds)',
    'after contact work',
    'after contact work (seconds)',
    'after contact work timeout'
  ],
  tags: ['tags']
}

/** How messages name each field. */
const fieldLabels: Record<BulkField, string> = {
  firstName: 'the first name',
  lastName: 'the last name',
  email: 'the e-mail address',
  secondaryEmail: 'the secondary e-mail address',
  mobile: 'the mobile number',
  password: 'the password',
  username: 'the username',
  directoryUserId: 'the directory user ID',
  template: 'the template',
  routingProfile: 'the routing profile',
  securityProfiles: 'the security profiles',
  hierarchyGroup: 'the hierarchy group',
  phoneType: 'the phone type',
  deskPhoneNumber: 'the desk phone number',
  autoAccept: 'auto-accept',
  afterContactWorkSeconds: 'the ACW timeout',
  tags: 'the tags'
}

/** A header cell reduced to what matching looks at: letters and digits, lower-cased, accents removed. */
export function normaliseHeader(header: string): string {
  return header
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
}

const byAlias = new Map<string, BulkField>(
  (Object.entries(aliases) as Array<[BulkField, readonly string[]]>).flatMap(([field, names]) =>
    names.map((name): [string, BulkField] => [normaliseHeader(name), field])
  )
)

/** One level of the console's hierarchy, in a column of its own (`user_hierarchy_2`). */
const levelColumn = /^userhierarchy\d+$/

/**
 * The field a header cell means, ignoring case, spacing and punctuation; undefined when none.
 * `security_profile_name_1|security_profile_name_2` (and any `security_profile_name…`) is the security
 * profiles, `user_hierarchy_1|user_hierarchy_2` (and any `user_hierarchy…`) the hierarchy.
 */
export function matchHeader(header: string): BulkField | undefined {
  const key = normaliseHeader(header)
  if (!key) return undefined
  if (key.startsWith('securityprofilename')) return 'securityProfiles'
  if (key.startsWith('userhierarchy')) return 'hierarchyGroup'
  if (key.startsWith('softphoneautoaccept')) return 'autoAccept'
  return byAlias.get(key)
}

/** Header names (normalised) only the admin website's template uses, whole or as a prefix. */
const consoleWords = [
  'userlogin',
  'emailaddress',
  'secondaryemailaddress',
  'routingprofilename',
  'agenthierarchy'
]
const consolePrefixes = [
  'securityprofilename',
  'userhierarchy',
  'phonetypesoftdesk',
  'softphoneautoaccept',
  'acwtimeout'
]

/** One of them (and no template column) makes a file the console form. */
const isConsoleWord = (key: string): boolean =>
  consoleWords.includes(key) || consolePrefixes.some((prefix) => key.startsWith(prefix))

/** Columns each form cannot do without, with the name the message gives them. */
const requiredColumns: Record<BulkForm, Array<[BulkField, string]>> = {
  console: [
    ['firstName', 'first name'],
    ['lastName', 'last name'],
    ['username', 'user login'],
    ['routingProfile', 'routing profile name'],
    ['securityProfiles', 'security_profile_name_1|security_profile_name_2']
  ],
  // A roster's username may come from the template's username pattern (checked by the plan).
  roster: [
    ['firstName', 'first name'],
    ['lastName', 'last name']
  ]
}

/** Fields read as person fields (`PersonInput`), as written (a password is not even trimmed). */
const personFields = new Set<BulkField>([
  'firstName',
  'lastName',
  'email',
  'secondaryEmail',
  'mobile',
  'password',
  'username',
  'directoryUserId'
])

interface Column {
  index: number
  header: string
  field: BulkField
  /** One level of a hierarchy path (`user_hierarchy_2`), joined with its neighbours. */
  level: boolean
}

/** A value quoted in a message, clipped so a huge cell cannot flood it. */
const quote = (value: string): string => `"${value.length > 40 ? `${value.slice(0, 39)}…` : value}"`

const yes = new Set(['yes', 'y', 'true'])
const no = new Set(['no', 'n', 'false'])

/** UTF-8 length of `text`, without building its bytes. */
function utf8Length(text: string): number {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 0x80) bytes += 1
    else if (c < 0x800) bytes += 2
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4
      i++
    } else bytes += 3
  }
  return bytes
}

/** `,` unless the header line has more `;` than `,` outside double quotes (Excel in European locales). */
function detectDelimiter(text: string): ',' | ';' {
  let commas = 0
  let semicolons = 0
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === '"') quoted = !quoted
    else if (!quoted && (c === '\n' || c === '\r')) break
    else if (!quoted && c === ',') commas++
    else if (!quoted && c === ';') semicolons++
  }
  return semicolons > commas ? ';' : ','
}

/** A hierarchy cell as a path `EMEA/London/Tier 1`: levels separated by `/` (or `|`, as the console's column says). */
function hierarchyPath(value: string): string | undefined {
  const names = value.split(/[/|]/).map((n) => n.trim())
  return names.some((n) => !n) ? undefined : names.join('/')
}

/** The phone type as the console writes it: soft/desk (also soft phone, DESK_PHONE…), any case. */
function phoneType(value: string): PhoneType | undefined {
  const key = value.toLowerCase().replace(/[^a-z]/g, '')
  if (key === 'soft' || key === 'softphone') return 'SOFT_PHONE'
  if (key === 'desk' || key === 'deskphone') return 'DESK_PHONE'
  return undefined
}

const empty = (form: BulkForm, delimiter: ',' | ';', problem: string): ParsedCsv => ({
  form,
  delimiter,
  columns: [],
  ignored: [],
  rows: [],
  problems: [{ row: 0, message: problem }]
})

/** The header's columns, or why the file is refused. */
function readHeader(cells: string[]): {
  form: BulkForm
  columns: Column[]
  ignored: string[]
  problems: string[]
} {
  const columns: Column[] = []
  const ignored: string[] = []
  const keys: string[] = []
  cells.forEach((cell, index) => {
    const header = cell.trim()
    const field = matchHeader(header)
    const key = normaliseHeader(header)
    keys.push(key)
    if (field) columns.push({ index, header, field, level: levelColumn.test(key) })
    else if (header) ignored.push(header)
  })
  const form: BulkForm = columns.some((c) => c.field === 'template')
    ? 'roster'
    : keys.some(isConsoleWord)
      ? 'console'
      : 'roster'
  const problems: string[] = []
  // Several columns may give security profiles (merged) or the hierarchy (which must agree); not others.
  for (const [i, column] of columns.entries()) {
    if (column.field === 'securityProfiles' || column.field === 'hierarchyGroup') continue
    const first = columns.findIndex((c) => c.field === column.field)
    if (first !== i)
      problems.push(
        `The columns "${columns[first]?.header}" and "${column.header}" both give ${fieldLabels[column.field]}: keep one.`
      )
  }
  for (const [field, name] of requiredColumns[form]) {
    if (columns.some((c) => c.field === field)) continue
    problems.push(
      form === 'console'
        ? `The file has no "${name}" column, which the admin website's bulk template has: add it (or add a template column to read the file as a roster of people against a saved template).`
        : `The file has no "${name}" column: add it.`
    )
  }
  return { form, columns, ignored, problems }
}

/** One data row: the BulkRow when it could be read (even with bad cells), and its problems. */
function readRow(
  cells: string[],
  line: number,
  columns: Column[],
  headerLength: number,
  delimiter: ',' | ';'
): { row?: BulkRow; problems: RowProblem[] } {
  const problems: RowProblem[] = []
  const extra = cells.slice(headerLength).filter((c) => c.trim())
  if (extra.length)
    return {
      problems: [
        {
          row: line,
          message: `This row has ${cells.length} cells but the header has ${headerLength}: put a value that holds a "${delimiter}" in double quotes ("Doe${delimiter} Jr.").`
        }
      ]
    }
  const person: Record<string, string> = {}
  const settings: BulkRow['settings'] = {}
  const phone: RowPhone = {}
  let template: string | undefined
  const securityProfiles: string[] = []
  const levels: string[] = []
  const paths: Array<{ header: string; path: string }> = []
  let levelHeader: string | undefined
  const problem = (column: Column, message: string): void => {
    problems.push({ row: line, column: column.header, message })
  }
  for (const column of columns) {
    const raw = cells[column.index] ?? ''
    const cap = bulkLimits.cell[column.field]
    if (raw.length > cap) {
      problem(column, `This cell has ${raw.length} characters; at most ${cap} are read.`)
      continue
    }
    const field = column.field
    const value = field === 'password' ? raw : raw.trim()
    if (field !== 'tags' && /[\r\n]/.test(value)) {
      problem(column, 'This cell has a line break: keep the value on one line.')
      continue
    }
    if (personFields.has(field)) {
      person[field] = value
      continue
    }
    if (!value) continue
    switch (field) {
      case 'template':
        template = value
        break
      case 'routingProfile':
        settings.routingProfile = value
        break
      case 'securityProfiles':
        securityProfiles.push(
          ...value
            .split('|')
            .map((n) => n.trim())
            .filter(Boolean)
        )
        break
      case 'hierarchyGroup': {
        if (column.level) {
          levels.push(value)
          levelHeader ??= column.header
          break
        }
        const path = hierarchyPath(value)
        if (path) paths.push({ header: column.header, path })
        else
          problem(
            column,
            `${quote(value)} has an empty level: write the group's path from the top, like EMEA/London/Tier 1.`
          )
        break
      }
      case 'phoneType': {
        const type = phoneType(value)
        if (type) phone.phoneType = type
        else problem(column, `${quote(value)} is not a phone type: write soft or desk.`)
        break
      }
      case 'deskPhoneNumber':
        phone.deskPhoneNumber = value
        break
      case 'autoAccept': {
        const key = value.toLowerCase()
        if (yes.has(key)) phone.autoAccept = true
        else if (no.has(key)) phone.autoAccept = false
        else problem(column, `${quote(value)} is not yes or no: write yes or no.`)
        break
      }
      case 'afterContactWorkSeconds':
        if (/^\d{1,15}$/.test(value)) phone.afterContactWorkSeconds = Number(value)
        else
          problem(
            column,
            `${quote(value)} is not a whole number of seconds: write it like 30 (0 means no limit).`
          )
        break
      case 'tags': {
        const tags = parseTags(value)
        if (tags.ok) settings.tags = tags.value
        else problem(column, tags.error.message)
        break
      }
    }
  }
  if (securityProfiles.length) settings.securityProfiles = securityProfiles
  if (levelHeader) paths.unshift({ header: levelHeader, path: levels.join('/') })
  const [first, ...others] = paths
  const differs = others.find((p) => p.path !== first?.path)
  if (first && differs)
    problems.push({
      row: line,
      column: first.header,
      message: `The hierarchy is ${quote(first.path)} here but ${quote(differs.path)} in "${differs.header}": give it in one column, or the same in both.`
    })
  else if (first) settings.hierarchyGroup = first.path
  if (Object.keys(phone).length) settings.phone = phone
  return { row: { row: line, person, ...(template ? { template } : {}), settings }, problems }
}

/**
 * Reads a bulk CSV (UTF-8 with or without BOM, CRLF or LF, `,` or `;` as the header line shows, quoted
 * fields with commas, quotes and line breaks) in either form, recognised from the header: a `template`
 * column makes a roster; else any column only the admin website's template has (`user login`,
 * `routing profile name`, `security_profile_name_1|…`, …) makes the console form; else a roster.
 * A file over the limits, without a required column or with two columns for one field is refused
 * (no rows, a row-0 problem). A row that cannot be read is left out with its problem; a bad cell is
 * left out of its row with its problem, so the plan reports every problem of the row together.
 */
export function parseBulkCsv(text: string, options: { maxRows?: number } = {}): ParsedCsv {
  const maxRows = options.maxRows ?? bulkLimits.rows
  const bytes = utf8Length(text)
  if (bytes > bulkLimits.fileBytes)
    return empty(
      'console',
      ',',
      `The file is ${(bytes / 1024 / 1024).toFixed(1)} MB: at most ${bulkLimits.fileBytes / 1024 / 1024} MB can be read at once; split it into smaller files.`
    )
  const unmarked = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  // Excel's "sep=;" first line names the separator.
  const hint = /^sep=([,;])\r?\n/i.exec(unmarked)
  const body = hint ? unmarked.slice(hint[0].length) : unmarked
  const firstLine = hint ? 2 : 1
  const newline = body.includes('\n') ? '\n' : '\r'
  const lineAt = (position: number): number => body.slice(0, position).split(newline).length - 1 + firstLine
  const delimiter: ',' | ';' = hint?.[1] === ';' || (!hint && detectDelimiter(body) === ';') ? ';' : ','
  const unreadable = body.indexOf('\uFFFD')
  if (unreadable >= 0)
    return empty(
      'console',
      delimiter,
      `The file is not UTF-8 text: line ${lineAt(unreadable)} has a character that could not be read. Save it as UTF-8 (in Excel: "CSV UTF-8 (Comma delimited)") and choose it again.`
    )
  if (!body.trim())
    return empty('console', delimiter, 'The file is empty: it needs a header line and a row per person.')

  // Blank lines are kept by the parser and skipped here, so every row's line number can be counted:
  // each row takes one line plus the line breaks inside its quoted cells.
  const result = Papa.parse<string[]>(body, { delimiter, skipEmptyLines: false })
  const broken = new Set(result.errors.map((e) => e.row))
  let header: ReturnType<typeof readHeader> | undefined
  let headerLength = 0
  let refusal: string | undefined
  const rows: BulkRow[] = []
  const problems: RowProblem[] = []
  let dataRows = 0
  let line = firstLine
  for (const [index, cells] of result.data.entries()) {
    const rowLine = line
    for (const cell of cells) {
      if (cell.includes(newline)) line += cell.split(newline).length - 1
    }
    line++
    if (cells.every((c) => !c.trim())) continue
    if (!header) {
      if (broken.has(index)) {
        refusal = 'The header line has a broken double quote: write the column names without quotes.'
        break
      }
      header = readHeader(cells)
      headerLength = cells.length
      if (header.problems.length) break
      continue
    }
    dataRows++
    if (dataRows > maxRows) {
      refusal = `The file has more than ${maxRows.toLocaleString('en')} rows: split it into files of at most ${maxRows.toLocaleString('en')} rows.`
      break
    }
    if (broken.has(index)) {
      problems.push({
        row: rowLine,
        message:
          'A double quote in this row is not closed or is misplaced: put a value that holds commas, quotes or line breaks in double quotes, and double each quote inside it ("").'
      })
      continue
    }
    const read = readRow(cells, rowLine, header.columns, headerLength, delimiter)
    if (read.row) rows.push(read.row)
    problems.push(...read.problems)
  }
  const form = header?.form ?? 'console'
  if (refusal) return empty(form, delimiter, refusal)
  if (!header)
    return empty(form, delimiter, 'The file is empty: it needs a header line and a row per person.')
  const described = {
    form,
    delimiter,
    columns: header.columns.map(({ header: h, field }) => ({ header: h, field })),
    ignored: header.ignored
  }
  if (header.problems.length)
    return { ...described, rows: [], problems: header.problems.map((message) => ({ row: 0, message })) }
  if (!dataRows)
    return {
      ...described,
      rows: [],
      problems: [{ row: 0, message: 'The file has a header but no rows: add a row per person.' }]
    }
  return { ...described, rows, problems }
}

/** The example row of each blank template (names every Connect instance has by default). */
/**
 * A blank file of `form` for "export a blank template": the header only (the admin website's own column
 * names for the console form), CRLF as Excel writes it. No example row: one left in by mistake would
 * create a real user with a published password.
 */
export function blankCsv(form: BulkForm): string {
  const fields: readonly string[] = form === 'console' ? consoleColumns : rosterColumns
  return `${Papa.unparse([[...fields]], { newline: '\r\n' })}\r\n`
}
