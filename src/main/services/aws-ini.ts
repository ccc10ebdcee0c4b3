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
 *   with a value, the SDK reads it instead of `[default]` (they are not merged).
 */
import { homedir } from 'node:os'
import { join, sep } from 'node:path'
import type { ProfileProblem } from '../../shared/accounts'

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

const sectionTypes: readonly string[] = ['profile', 'sso-session', 'services']
/** The SDK's `prefixKeyRegex`, verbatim: `[\w-@+.%:/]` is \w plus the characters - @ + . % : / */
const prefixKeyRegex = /^([\w-]+)\s(["'])?([\w-@+.%:/]+)\2$/
/** Header names that make the SDK throw, which loses the whole file. */
const blockedNames = ['__proto__', 'profile __proto__']
const nameRule =
  'one space, then a name of letters, digits and - _ @ + . % : / (optionally in matching quotes)'

type Header = { kind: IniSection['kind']; name: string; problem?: string } | { ignored: string }

/**
 * Parses one file. In the config file profiles are `[default]` or `[profile NAME]`, plus
 * `[sso-session NAME]` and `[services NAME]`; in the credentials file every section is a profile.
 */
export function parseAwsIni(text: string, file: string, kind: 'config' | 'credentials'): IniFile {
  const result: IniFile = { sections: [], problems: [] }
  /** The section keys go to; undefined after a header the SDK skips, or before any header. */
  let current: IniSection | undefined
  let seenHeader = false
  let subSection: string | undefined
  const plainDefaults = new Set<IniSection>()
  const stored = new Set<IniSection>()
  const lines = text.split(/\r?\n/)
  for (let index = 0; index < lines.length; index++) {
    const line = index + 1
    const raw = lines[index] ?? ''
    const trimmed = (raw.split(/(^|\s)[;#]/)[0] ?? '').trim()
    if (!trimmed) continue
    let reported = false
    if (trimmed[0] === '[' && trimmed[trimmed.length - 1] === ']') {
      seenHeader = true
      current = undefined
      subSection = undefined
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
        result.problems.push({ file, line, reason: header.ignored })
        continue
      }
      current = { kind: header.kind, name: header.name, file, line, values: new Map(), problems: [] }
      if (header.problem) current.problems.push({ file, line, reason: header.problem })
      if (kind === 'config' && title === 'default') plainDefaults.add(current)
      result.sections.push(current)
      continue
    }
    if (trimmed[0] === '[') {
      // The SDK reads it as an ordinary line: what follows stays in the section above.
      const after = seenHeader ? 'reads the lines below it as part of the section above' : 'skips it'
      result.problems.push({
        file,
        line,
        reason: `"${trimmed}" is not a valid [section] header: the AWS SDK ${after}.`
      })
      reported = true
    }
    if (!seenHeader) {
      if (!reported) {
        result.problems.push({ file, line, reason: `"${trimmed}" comes before any [section] header.` })
      }
      continue
    }
    if (!current) continue
    const eq = trimmed.indexOf('=')
    if (eq <= 0) {
      if (!reported)
        current.problems.push({ file, line, reason: `expected "key = value", found "${trimmed}".` })
      continue
    }
    const name = trimmed.slice(0, eq).trim()
    const value = trimmed.slice(eq + 1).trim()
    if (value === '') {
      subSection = name
      continue
    }
    if (subSection !== undefined && raw.trimStart() === raw) subSection = undefined
    const key = subSection !== undefined ? `${subSection}.${name}` : name
    // The SDK creates a section's entry on its first non-empty value, even one it then cannot store.
    stored.add(current)
    if (key === '__proto__') {
      current.problems.push({ file, line, reason: 'the AWS SDK ignores a key named __proto__.' })
      continue
    }
    if (key !== key.toLowerCase()) {
      current.problems.push({
        file,
        line,
        reason: `"${key}" is not read as "${key.toLowerCase()}": the AWS SDK's keys are case-sensitive.`
      })
    }
    current.values.set(key, { value, line, file })
  }
  const profileDefault = result.sections.some(
    (s) => s.kind === 'profile' && s.name === 'default' && !plainDefaults.has(s) && stored.has(s)
  )
  if (profileDefault && plainDefaults.size > 0) {
    result.sections = result.sections.filter((s) => !plainDefaults.has(s))
    for (const section of plainDefaults) {
      result.problems.push({
        file,
        line: section.line,
        reason:
          '[default] is ignored: this file also has [profile default], and the AWS SDK then reads only [profile default].'
      })
    }
    result.problems.sort((a, b) => a.line - b.line)
  }
  return result
}

/** The section a header opens, as the SDK names it, or why the SDK skips it. */
function readHeader(title: string, kind: 'config' | 'credentials'): Header {
  const match = prefixKeyRegex.exec(title)
  const prefix = match?.[1]
  if (match && prefix !== undefined && !sectionTypes.includes(prefix)) {
    return {
      ignored: `[${title}] is ignored: the AWS SDK skips a [PREFIX NAME] header unless PREFIX is profile, sso-session or services.`
    }
  }
  const id = match ? `${prefix}.${match[3]}` : title
  if (id === '') return { ignored: '[] is ignored: the header has no name.' }
  if (kind === 'credentials') {
    if (match) {
      return {
        kind: 'profile',
        name: id,
        problem: `the AWS SDK reads [${title}] in the credentials file as a profile named "${id}": write [${match[3]}] there (prefixes belong in the config file).`
      }
    }
    if (id.trim() !== id) {
      return {
        kind: 'profile',
        name: id,
        problem: `the AWS SDK reads [${title}] as a profile named "${id}", spaces included.`
      }
    }
    return { kind: 'profile', name: id }
  }
  if (id === 'default') return { kind: 'profile', name: 'default' }
  const dot = id.indexOf('.')
  const type = dot > 0 ? id.slice(0, dot) : ''
  if (type === 'profile' || type === 'sso-session' || type === 'services') {
    const name = id.slice(dot + 1)
    if (type === 'profile' && name === '__proto__') {
      return { ignored: `[${title}] is ignored: the AWS SDK cannot hold a profile named __proto__.` }
    }
    return { kind: type, name }
  }
  if (title.trim() !== title) {
    return { ignored: `[${title}] is ignored: the AWS SDK allows no space just inside the brackets.` }
  }
  const word = /^(\S+)\s/.exec(title)?.[1]
  if (word !== undefined && sectionTypes.includes(word)) {
    return { ignored: `[${title}] is ignored: the AWS SDK reads [${word} NAME] only with ${nameRule}.` }
  }
  if (!/\s/.test(title)) {
    return {
      ignored: `[${title}] is ignored: in the config file a profile is written [profile ${title}] (only [default] has no prefix).`
    }
  }
  return {
    ignored: `[${title}] is ignored: the AWS SDK reads only [default], [profile NAME], [sso-session NAME] and [services NAME] from the config file.`
  }
}
