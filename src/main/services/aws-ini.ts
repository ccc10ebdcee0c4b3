/**
 * Reads `~/.aws/config` and `~/.aws/credentials` the way the AWS CLI and SDKs do, keeping the line of
 * every key so a problem can point at it. Read-only: nothing here ever writes these files.
 */
import { homedir } from 'node:os'
import { join } from 'node:path'
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

/** Where the CLI and SDKs look for the files: AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE or ~/.aws. */
export function awsFilePaths(env: NodeJS.ProcessEnv = process.env): { config: string; credentials: string } {
  const home = env['HOME'] || env['USERPROFILE'] || homedir()
  const expand = (path: string): string =>
    path.startsWith('~/') || path === '~' ? join(home, path.slice(2)) : path
  return {
    config: expand(env['AWS_CONFIG_FILE'] || join(home, '.aws', 'config')),
    credentials: expand(env['AWS_SHARED_CREDENTIALS_FILE'] || join(home, '.aws', 'credentials'))
  }
}

/**
 * Parses one file. In the config file profiles are `[default]` or `[profile NAME]`, plus
 * `[sso-session NAME]` and `[services NAME]`; in the credentials file every section is a profile.
 */
export function parseAwsIni(text: string, file: string, kind: 'config' | 'credentials'): IniFile {
  const result: IniFile = { sections: [], problems: [] }
  let current: IniSection | undefined
  let ignored = false
  let parentKey: string | undefined
  const lines = text.split('\n')
  for (let index = 0; index < lines.length; index++) {
    const line = index + 1
    const raw = lines[index] ?? ''
    const trimmed = raw.trim()
    const first = trimmed[0]
    if (!trimmed || first === '#' || first === ';') continue
    if (first === '[') {
      parentKey = undefined
      current = undefined
      ignored = false
      const close = trimmed.indexOf(']')
      const rest = close < 0 ? '' : trimmed.slice(close + 1).trim()
      if (close < 0 || (rest && rest[0] !== '#' && rest[0] !== ';')) {
        result.problems.push({ file, line, reason: `"${trimmed}" is not a valid [section] header.` })
        ignored = true
        continue
      }
      const title = trimmed.slice(1, close).trim().replace(/\s+/g, ' ')
      const section = sectionFor(title, kind)
      if (!section) {
        ignored = true
        result.problems.push({
          file,
          line,
          reason: `[${title}] is ignored: in the config file a profile is written [profile ${title}] (only [default] has no prefix).`
        })
        continue
      }
      current = { ...section, file, line, values: new Map(), problems: [] }
      result.sections.push(current)
      continue
    }
    if (ignored) continue
    if (!current) {
      result.problems.push({ file, line, reason: `"${trimmed}" comes before any [section] header.` })
      continue
    }
    const nested = (raw[0] === ' ' || raw[0] === '\t') && parentKey !== undefined
    const eq = trimmed.indexOf('=')
    if (eq <= 0) {
      current.problems.push({ file, line, reason: `expected "key = value", found "${trimmed}".` })
      continue
    }
    const key = trimmed.slice(0, eq).trim().toLowerCase()
    const value = trimmed.slice(eq + 1).trim()
    if (nested) {
      current.values.set(`${parentKey}.${key}`, { value, line, file })
      continue
    }
    parentKey = value === '' ? key : undefined
    current.values.set(key, { value, line, file })
  }
  return result
}

function sectionFor(
  title: string,
  kind: 'config' | 'credentials'
): Pick<IniSection, 'kind' | 'name'> | undefined {
  if (kind === 'credentials') return { kind: 'profile', name: title }
  if (title === 'default') return { kind: 'profile', name: 'default' }
  const [prefix, ...rest] = title.split(' ')
  const name = rest.join(' ')
  if (!name) return undefined
  if (prefix === 'profile') return { kind: 'profile', name }
  if (prefix === 'sso-session') return { kind: 'sso-session', name }
  if (prefix === 'services') return { kind: 'services', name }
  return undefined
}
