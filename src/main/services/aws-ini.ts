/**
 * Reads `~/.aws/config` and `~/.aws/credentials` exactly as the AWS SDK for JavaScript does (`parseIni`,
 * `getConfigData` and `loadSharedConfigFiles` in `@smithy/core/config`), keeping the line of every key so a
 * problem can point at it. Read-only: nothing here ever writes these files.
 *
 * The SDK's rules, reproduced here:
 * - lines end at `\n` or `\r\n`;
 * - a comment starts at `#` or `;` at the start of the line or after any whitespace (so `a = b # c` is `b`,
 *   but `https://host/#x` and `a=b;c` keep their `#` and `;`); this applies to header lines too;
 * - a header is a line that starts with `[` and ends with `]` (after the comment is cut). `[default]` and
 *   `[PREFIX NAME]` (one whitespace character, NAME of letters, digits and `- _ @ + . % : /`, optionally in
 *   matching quotes) with PREFIX `profile`, `sso-session` or `services`; `[PREFIX NAME]` with any other
 *   PREFIX is skipped; any other header is kept verbatim as the section's name (`[profile.x]` is the same
 *   section as `[profile x]`). In the config file only `default` and names `profile.`, `sso-session.`,
 *   `services.` are read; in the credentials file every name is a profile name, so `[profile x]` there is
 *   a profile named `profile.x`. A line starting with `[` that is not a header is an ordinary line;
 * - `[__proto__]` or `[profile __proto__]` makes the SDK read nothing from the whole file;
 * - `key = value` splits at the first `=` (none, or at the start: the line is skipped), both sides trimmed,
 *   case kept, quotes kept; the last of duplicate keys (and of duplicate sections) wins;
 * - an empty value stores nothing and opens a sub-section: later `key = value` lines are stored as
 *   `parent.key` until a non-indented `key = value` line (another empty value opens a new sub-section);
 * - a section with no stored value does not exist for the SDK; if the config file has `[profile default]`
 *   with a value, the SDK reads it instead of `[default]` (they are not merged);
 * - a profile named like a property every JavaScript object has (`constructor`, `toString`…) cannot be
 *   loaded by the SDK's credential providers, so it is reported and skipped.
 *
 * What the SDK reads silently but the admin must hear about is reported with its file and line: a line it
 * skips, `key: value` (the AWS CLI reads it, the SDK does not), a repeated section or key (the AWS CLI
 * refuses the file), a lone carriage return, control or invisible characters in a name or value. A
 * problem never quotes a value, nor any line of the credentials file, nor a config line that looks like it
 * holds a secret; what it does quote is cut short and has its control characters escaped (`\u001b`, by
 * `escapeInvisible` of src/shared/text.ts, the app's one definition of them).
 * Parsing is one pass over the lines, with no recursion, and at most `awsFileLimits.problemsPerFile`
 * problems are listed per file.
 */
import { homedir } from 'node:os'
import { join, sep } from 'node:path'
import type { ProfileProblem } from '../../shared/accounts'
import { escapeInvisible, findInvisible } from '../../shared/text'

/** A value and the file and line it came from. */
export interface IniValue {
  value: string
  line: number
  file: string
}

/** One `[section]`: its keys (nested keys as `parent.child`) and where it starts. */
export interface IniSection {
  kind: 'profile' | 'sso-session' | 'services'
  name: string
  file: string
  line: number
  values: Map<string, IniValue>
  problems: ProfileProblem[]
}

/** The sections of one file and the problems not tied to a section. */
export interface IniFile {
  sections: IniSection[]
  problems: ProfileProblem[]
}

/**
 * The limits within which the app reads the AWS files. Real files are far smaller (a thousand SSO
 * profiles is about 150 KB); these only keep a hostile or broken file from stalling the app.
 */
export const awsFileLimits = {
  /** A config or credentials file larger than this is not read at all (a problem says so). */
  fileBytes: 4 * 1024 * 1024,
  /** Problems listed per file; the rest are counted in one last problem. */
  problemsPerFile: 200,
  /** Sections read per file; the file is read only up to the next one (a problem says so). */
  sectionsPerFile: 20_000,
  /** Values read per file; the file is read only up to the next one (a problem says so). */
  valuesPerFile: 100_000,
  /** Profiles listed (in file order); the rest are counted in one problem, and can still be used. */
  profiles: 10_000,
  /** The longest profile name the app can pass between its processes (`accountContextSchema`). */
  profileNameChars: 256,
  /** Roles a source_profile chain may assume in a row before it is reported as a mistake. */
  roleChain: 10,
  /** Characters of a name or line quoted in a problem; longer ones are cut short with "…". */
  quotedChars: 80
} as const

/**
 * Where the CLI and SDKs look for the files: AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE or ~/.aws,
 * with a leading `~/` expanded against the home directory as the SDK finds it.
 */
export function awsFilePaths(env: NodeJS.ProcessEnv = process.env): { config: string; credentials: string } {
  const home =
    env['HOME'] ||
    env['USERPROFILE'] ||
    (env['HOMEPATH'] ? `${env['HOMEDRIVE'] ?? `C:${sep}`}${env['HOMEPATH']}` : homedir())
  const expand = (path: string): string => (path.startsWith('~/') ? join(home, path.slice(2)) : path)
  return {
    config: expand(env['AWS_CONFIG_FILE'] || join(home, '.aws', 'config')),
    credentials: expand(env['AWS_SHARED_CREDENTIALS_FILE'] || join(home, '.aws', 'credentials'))
  }
}

/** `text` cut to `max` characters (with "…") and with its control characters escaped: fit to quote. */
export function shown(text: string, max: number = awsFileLimits.quotedChars): string {
  if (text.length <= max) return escapeInvisible(text)
  const kept = Array.from(text.slice(0, max + 1)).slice(0, max)
  return `${escapeInvisible(kept.join(''))}…`
}

/** True for a key whose value is a secret (or may hold one): never quoted, never shown. */
export function isSecretKey(key: string): boolean {
  return /secret|token|passw|pwd|private|credential_process/i.test(key)
}

/** Words and runs of base64 that suggest a line holds a secret. */
const secretLooking = /secret|token|passw|pwd|private|[A-Za-z0-9+/=]{20,}/i

/** A key name as the AWS tools write them (`sso_start_url`, `s3.max_concurrent_requests`). */
function isPlainKey(key: string): boolean {
  return /^[A-Za-z0-9_.-]{1,64}$/.test(key) && !/[A-Za-z0-9]{16,}/.test(key)
}

/** What a problem may say of a line's text: a short quote, or why it is hidden. */
function lineQuote(text: string, kind: 'config' | 'credentials'): { quote: string } | { hidden: string } {
  if (kind === 'credentials') return { hidden: 'content hidden: this file holds secrets' }
  if (secretLooking.test(text)) return { hidden: 'content hidden: it may hold a secret' }
  return { quote: `"${shown(text)}"` }
}

const sectionTypes: readonly string[] = ['profile', 'sso-session', 'services']
/** The SDK's `prefixKeyRegex`, verbatim: `[\w-@+.%:/]` is \w plus the characters - @ + . % : / */
const prefixKeyRegex = /^([\w-]+)\s(["'])?([\w-@+.%:/]+)\2$/
/** Where the SDK cuts a line's comment: `#` or `;` at the start or after whitespace. */
const commentStart = /(^|\s)[;#]/
/** Header names that make the SDK throw, which loses the whole file. */
const blockedNames = ['__proto__', 'profile __proto__']
const nameRule =
  'one space, then a name of letters, digits and - _ @ + . % : / (optionally in matching quotes)'
const theSdk = 'the AWS SDK for JavaScript, which this app uses,'

type Header = { kind: IniSection['kind']; name: string; problem?: string } | { ignored: () => string }

/** Collects a file's problems, escaping each and listing at most `awsFileLimits.problemsPerFile`. */
class ProblemBudget {
  private used = 0
  private hidden = 0
  private firstHiddenLine = 0

  constructor(private readonly file: string) {}

  /** Lists a problem, or only counts it once the budget is spent (`reason` is then never built). */
  add(list: ProfileProblem[], line: number, reason: string | (() => string)): void {
    if (this.used >= awsFileLimits.problemsPerFile) {
      if (this.hidden === 0) this.firstHiddenLine = line
      this.hidden += 1
      return
    }
    this.used += 1
    const text = typeof reason === 'string' ? reason : reason()
    list.push({ file: this.file, line, reason: escapeInvisible(text) })
  }

  /** The problem that counts those not listed, if any. */
  summary(): ProfileProblem[] {
    if (this.hidden === 0) return []
    return [
      {
        file: this.file,
        line: this.firstHiddenLine,
        reason: `${this.hidden.toLocaleString('en-US')} more problems from this line on are not listed: the app lists the first ${awsFileLimits.problemsPerFile} of each file.`
      }
    ]
  }
}

/**
 * Parses one file. In the config file profiles are `[default]` or `[profile NAME]`, plus
 * `[sso-session NAME]` and `[services NAME]`; in the credentials file every section is a profile.
 */
export function parseAwsIni(text: string, file: string, kind: 'config' | 'credentials'): IniFile {
  if (text.includes('\r') && !text.includes('\n')) {
    // The SDK splits lines at \n only: the whole file is one line, and it reads nothing from it.
    return {
      sections: [],
      problems: [
        {
          file,
          line: 1,
          reason: `the lines of this file end with a lone carriage return (CR, as on classic Mac OS): the AWS CLI reads it, but ${theSdk} sees a single line and reads no profile from it. Save it with LF or CRLF line endings.`
        }
      ]
    }
  }
  const result: IniFile = { sections: [], problems: [] }
  const budget = new ProblemBudget(file)
  /** The section keys go to; undefined after a header the SDK skips, or before any header. */
  let current: IniSection | undefined
  let seenHeader = false
  let subSection: string | undefined
  /** The line each key was set on, in the current section (the AWS CLI refuses a repeated key). */
  const keyLines = new Map<string, number>()
  /** The first header of each section, by kind then name, to report a repeated one. */
  const headers = new Map<string, Map<string, { line: number; title: string }>>()
  let valueCount = 0
  /** Stops reading at `line`, over a per-file limit: the problem is always listed. */
  const stop = (line: number, what: string, limit: number): void => {
    result.problems.push({
      file,
      line,
      reason: `this file has more than ${limit.toLocaleString('en-US')} ${what}: the app reads it only up to this line.`
    })
  }
  const plainDefaults = new Set<IniSection>()
  const stored = new Set<IniSection>()
  // Lines as the SDK's split(/\r?\n/) makes them, taken one at a time: no array of every line, and
  // nothing done past a limit.
  let next = 0
  for (let line = 1; next <= text.length; line++) {
    const newline = text.indexOf('\n', next)
    const end = newline < 0 ? text.length : newline
    const cut = newline > next && text.charCodeAt(newline - 1) === 13 ? end - 1 : end
    const raw = text.slice(next, cut)
    next = end + 1
    const comment = commentStart.exec(raw)
    const trimmed = (comment ? raw.slice(0, comment.index) : raw).trim()
    if (!trimmed) continue
    let reported = false
    if (trimmed[0] === '[' && trimmed[trimmed.length - 1] === ']') {
      seenHeader = true
      current = undefined
      subSection = undefined
      keyLines.clear()
      const title = trimmed.slice(1, -1)
      if (blockedNames.includes(title)) {
        return {
          sections: [],
          problems: [
            {
              file,
              line,
              reason: `[${title}] is refused by the AWS SDK, which then reads nothing from this file.`
            }
          ]
        }
      }
      const header = readHeader(title, kind)
      if ('ignored' in header) {
        const { ignored } = header
        budget.add(result.problems, line, () => {
          const codes = findInvisible(title)
          const note = codes ? ` The header holds a control or invisible character (${codes}).` : ''
          return `${ignored()}${note}`
        })
        continue
      }
      if (result.sections.length >= awsFileLimits.sectionsPerFile) {
        stop(line, 'sections', awsFileLimits.sectionsPerFile)
        break
      }
      current = { kind: header.kind, name: header.name, file, line, values: new Map(), problems: [] }
      if (header.problem) budget.add(current.problems, line, header.problem)
      const codes = findInvisible(header.name)
      if (codes) {
        budget.add(
          current.problems,
          line,
          () =>
            `the name "${shown(header.name)}" holds a control or invisible character (${codes}): they can hide what the name says, so rename it.`
        )
      }
      const isPlainDefault = kind === 'config' && title === 'default'
      const kindKey = isPlainDefault ? '[default]' : header.kind
      const seen = headers.get(kindKey) ?? new Map<string, { line: number; title: string }>()
      headers.set(kindKey, seen)
      const first = seen.get(header.name)
      if (first) {
        const cli = first.title === title ? '; the AWS CLI refuses a file that repeats a section' : ''
        budget.add(
          current.problems,
          line,
          () =>
            `[${shown(title)}] repeats the section at line ${first.line}: the AWS SDK merges the two, the values further down winning${cli}.`
        )
      } else {
        seen.set(header.name, { line, title })
      }
      if (isPlainDefault) plainDefaults.add(current)
      result.sections.push(current)
      continue
    }
    const problems = current?.problems ?? result.problems
    if (trimmed.includes('\r')) {
      budget.add(
        problems,
        line,
        'a carriage return (CR) in the middle of this line: the AWS SDK does not end a line there, and reads what follows as part of this line.'
      )
    }
    if (trimmed[0] === '[') {
      // The SDK reads it as an ordinary line: what follows stays in the section above.
      const after = seenHeader ? 'reads the lines below it as part of the section above' : 'skips it'
      budget.add(result.problems, line, () => {
        const text = lineQuote(trimmed, kind)
        return 'quote' in text
          ? `${text.quote} is not a valid [section] header: the AWS SDK ${after}.`
          : `a line that starts with "[" is not a valid [section] header (${text.hidden}): the AWS SDK ${after}.`
      })
      reported = true
    }
    if (!seenHeader) {
      if (!reported) {
        budget.add(result.problems, line, () => {
          const text = lineQuote(trimmed, kind)
          return 'quote' in text
            ? `${text.quote} comes before any [section] header.`
            : `a line comes before any [section] header (${text.hidden}): the AWS SDK skips it.`
        })
      }
      continue
    }
    if (!current) continue
    const eq = trimmed.indexOf('=')
    const colon = trimmed.indexOf(':')
    if (!reported && colon > 0 && (eq < 0 || colon < eq)) {
      const key = trimmed.slice(0, colon).trim()
      if (isPlainKey(key) && !trimmed.slice(colon + 1).startsWith('//')) {
        budget.add(
          current.problems,
          line,
          () =>
            `${key} is written "${key}: …": the AWS CLI reads that, but ${theSdk} ignores it; write "${key} = …" (the value is not shown here).`
        )
        reported = true
      }
    }
    if (eq <= 0) {
      if (!reported) {
        budget.add(current.problems, line, () => {
          const text = lineQuote(trimmed, kind)
          return 'quote' in text
            ? `expected "key = value", found ${text.quote}.`
            : `a line that is not "key = value" (${text.hidden}): the AWS SDK skips it.`
        })
      }
      continue
    }
    const name = trimmed.slice(0, eq).trim()
    const value = trimmed.slice(eq + 1).trim()
    const plainName = isPlainKey(name)
    if (!reported && !plainName) {
      budget.add(current.problems, line, () => {
        const text = lineQuote(name, kind)
        return 'quote' in text
          ? `${text.quote} is not a key name the AWS tools read (letters, digits and _).`
          : `the text before "=" is not a key name (${text.hidden}).`
      })
      reported = true
    }
    if (value === '') {
      subSection = name
      continue
    }
    if (subSection !== undefined && raw.trimStart() === raw) subSection = undefined
    const key = subSection !== undefined ? `${subSection}.${name}` : name
    if (valueCount >= awsFileLimits.valuesPerFile) {
      stop(line, 'values', awsFileLimits.valuesPerFile)
      break
    }
    valueCount += 1
    // The SDK creates a section's entry on its first non-empty value, even one it then cannot store.
    stored.add(current)
    if (key === '__proto__') {
      budget.add(current.problems, line, 'the AWS SDK ignores a key named __proto__.')
      continue
    }
    const plain = key === name ? plainName : isPlainKey(key)
    if (!reported && plain && key !== key.toLowerCase()) {
      budget.add(
        current.problems,
        line,
        () => `"${key}" is not read as "${key.toLowerCase()}": the AWS SDK's keys are case-sensitive.`
      )
    }
    const keyText = plain ? key : 'a key whose name is not shown'
    const codes = findInvisible(value)
    if (codes) {
      budget.add(
        current.problems,
        line,
        () =>
          `the value of ${keyText} holds a control or invisible character (${codes}); the value is not shown here.`
      )
    }
    const firstLine = keyLines.get(key)
    if (firstLine !== undefined) {
      budget.add(
        current.problems,
        line,
        () =>
          `${keyText} is set again (first at line ${firstLine}): the AWS SDK uses the value further down; the AWS CLI refuses a file that repeats a key in a section.`
      )
    }
    keyLines.set(key, line)
    current.values.set(key, { value, line, file })
  }
  const profileDefault = result.sections.some(
    (s) => s.kind === 'profile' && s.name === 'default' && !plainDefaults.has(s) && stored.has(s)
  )
  if (profileDefault && plainDefaults.size > 0) {
    result.sections = result.sections.filter((s) => !plainDefaults.has(s))
    for (const section of plainDefaults) {
      budget.add(
        result.problems,
        section.line,
        '[default] is ignored: this file also has [profile default], and the AWS SDK then reads only [profile default].'
      )
    }
    result.problems.sort((a, b) => a.line - b.line)
  }
  result.problems.push(...budget.summary())
  return result
}

/** True for a name every JavaScript object already has: the SDK's providers cannot load such a profile. */
function isObjectProperty(name: string): boolean {
  return Object.prototype.hasOwnProperty.call(Object.prototype, name)
}

/** The section a header opens, as the SDK names it, or why the SDK skips it. */
function readHeader(title: string, kind: 'config' | 'credentials'): Header {
  const match = prefixKeyRegex.exec(title)
  const prefix = match?.[1]
  const quoted = (): string => shown(title)
  if (match && prefix !== undefined && !sectionTypes.includes(prefix)) {
    return {
      ignored: () =>
        `[${quoted()}] is ignored: the AWS SDK skips a [PREFIX NAME] header unless PREFIX is profile, sso-session or services.`
    }
  }
  const id = match ? `${prefix}.${match[3]}` : title
  if (id === '') return { ignored: () => '[] is ignored: the header has no name.' }
  const unloadable = (name: string): Header => ({
    ignored: () =>
      `[${quoted()}] is ignored: the AWS SDK cannot load a profile named "${name}", a name every JavaScript object already has.`
  })
  const spaced = (name: string): Header => ({
    kind: 'profile',
    name,
    problem: `the AWS SDK reads [${quoted()}] as a profile named "${shown(name)}", spaces included.`
  })
  if (kind === 'credentials') {
    if (match) {
      return {
        kind: 'profile',
        name: id,
        problem: `the AWS SDK reads [${quoted()}] in the credentials file as a profile named "${shown(id)}": write [${shown(match[3] ?? '')}] there (prefixes belong in the config file).`
      }
    }
    if (isObjectProperty(id)) return unloadable(id)
    if (id.trim() !== id) return spaced(id)
    return { kind: 'profile', name: id }
  }
  if (id === 'default') return { kind: 'profile', name: 'default' }
  const dot = id.indexOf('.')
  const type = dot > 0 ? id.slice(0, dot) : ''
  if (type === 'profile' || type === 'sso-session' || type === 'services') {
    const name = id.slice(dot + 1)
    if (type === 'profile' && name === '__proto__') {
      return { ignored: () => `[${quoted()}] is ignored: the AWS SDK cannot hold a profile named __proto__.` }
    }
    if (type === 'profile' && isObjectProperty(name)) return unloadable(name)
    if (type === 'profile' && name.trim() !== name) return spaced(name)
    return { kind: type, name }
  }
  if (title.trim() !== title) {
    return {
      ignored: () => `[${quoted()}] is ignored: the AWS SDK allows no space just inside the brackets.`
    }
  }
  const word = /^(\S+)\s/.exec(title)?.[1]
  if (word !== undefined && sectionTypes.includes(word)) {
    return {
      ignored: () => `[${quoted()}] is ignored: the AWS SDK reads [${word} NAME] only with ${nameRule}.`
    }
  }
  if (!/\s/.test(title)) {
    return {
      ignored: () =>
        `[${quoted()}] is ignored: in the config file a profile is written [profile ${quoted()}] (only [default] has no prefix).`
    }
  }
  return {
    ignored: () =>
      `[${quoted()}] is ignored: the AWS SDK reads only [default], [profile NAME], [sso-session NAME] and [services NAME] from the config file.`
  }
}
