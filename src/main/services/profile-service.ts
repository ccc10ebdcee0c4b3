import { closeSync, constants, fstatSync, openSync, readSync, statSync } from 'node:fs'
import type { ProfileKind, ProfileList, ProfileProblem, ProfileSummary } from '../../shared/accounts'
import { AppError } from '../../shared/result'
import { escapeInvisible } from '../../shared/text'
import {
  awsFileLimits,
  awsFilePaths,
  parseAwsIni,
  shown,
  type IniFile,
  type IniSection,
  type IniValue
} from './aws-ini'

/** A profile merged from both files: config first, the credentials file wins key by key (as the SDK). */
export interface MergedProfile {
  name: string
  values: Map<string, IniValue>
  sections: IniSection[]
}

const credentialSources = ['Environment', 'Ec2InstanceMetadata', 'EcsContainer']
/** The prefix of the built-in Sandbox's accounts (sandbox-host's `sandboxPrefix`, not imported to keep it light). */
const sandboxPrefix = 'sandbox:'

const megabytes = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1).replace(/\.0$/, '')} MB`

/** A file the app does not parse, and why (line 0: the whole file). */
function unread(file: string, reason: string): IniFile {
  return { sections: [], problems: [{ file, line: 0, reason: escapeInvisible(reason) }] }
}

/** The problem of a file over `awsFileLimits.fileBytes` (`size` undefined: it grew while being read). */
function tooLarge(file: string, size: number | undefined): IniFile {
  const limit = awsFileLimits.fileBytes
  const bytes = (n: number): string => `${n.toLocaleString('en-US')} bytes`
  const actual =
    size === undefined
      ? `more than ${bytes(limit)}`
      : megabytes(size) === megabytes(limit)
        ? bytes(size)
        : megabytes(size)
  return unread(
    file,
    `is not read: it is ${actual}, over the ${megabytes(limit)} (${bytes(limit)}) limit the app reads in an AWS config or credentials file.`
  )
}

/** At most `max` bytes of the open file `fd`, whose size was `expected` (it may have changed since). */
function readUpTo(fd: number, expected: number, max: number): Buffer {
  const chunks: Buffer[] = []
  let total = 0
  while (total < max) {
    const chunk = Buffer.allocUnsafe(Math.min(chunks.length ? 64 * 1024 : expected + 1, max - total))
    const read = readSync(fd, chunk, 0, chunk.length, null)
    if (read === 0) break
    chunks.push(chunk.subarray(0, read))
    total += read
  }
  return chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks, total)
}

/**
 * Lists and classifies the admin's AWS profiles. It looks at the files on every call (so edits show up
 * without a restart; a file is parsed again only when it changed), never writes them, and describes a
 * broken profile instead of failing the list. Within `awsFileLimits`: a hostile file costs bounded time
 * and output, and nothing it returns holds a secret value or a raw control character.
 */
export class ProfileService {
  /** The last parse of each file, reused while the file is unchanged (one parse per edit, not per call). */
  private readonly parsed = new Map<string, { stamp: string; file: IniFile }>()

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  /** The two files' paths and a token that changes whenever either file changes. */
  files(): { config: string; credentials: string; version: string } {
    const paths = awsFilePaths(this.env)
    const stamp = (file: string): string => {
      try {
        const s = statSync(file)
        return `${s.mtimeMs}:${s.size}`
      } catch {
        return 'absent'
      }
    }
    return { ...paths, version: `${stamp(paths.config)}|${stamp(paths.credentials)}` }
  }

  /**
   * One file, parsed; absent is empty. Never throws and never blocks: a file that is not a regular file
   * (a folder, a FIFO, /dev/zero) or is over `awsFileLimits.fileBytes` is not read, and says so.
   */
  private read(file: string, kind: 'config' | 'credentials'): IniFile {
    let fd: number
    try {
      // Non-blocking, so that opening a FIFO returns at once instead of waiting for a writer.
      fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ENOENT') return { sections: [], problems: [] }
      return unread(file, `cannot be read (${code ?? (error as Error).message}).`)
    }
    try {
      const stat = fstatSync(fd)
      if (!stat.isFile()) return unread(file, 'is not a regular file, so it is not read.')
      if (stat.size > awsFileLimits.fileBytes) return tooLarge(file, stat.size)
      const stamp = `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`
      const cached = this.parsed.get(`${kind}|${file}`)
      if (cached?.stamp === stamp) return cached.file
      const bytes = readUpTo(fd, stat.size, awsFileLimits.fileBytes + 1)
      if (bytes.length > awsFileLimits.fileBytes) {
        return tooLarge(file, undefined)
      }
      const utf16 = (bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)
      const parsed = utf16
        ? unread(
            file,
            'is saved as UTF-16: the AWS SDK reads these files as UTF-8 and finds no profile in it. Save it as UTF-8.'
          )
        : parseAwsIni(bytes.toString('utf8'), file, kind)
      this.parsed.set(`${kind}|${file}`, { stamp, file: parsed })
      return parsed
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      return unread(file, `cannot be read (${code ?? (error as Error).message}).`)
    } finally {
      closeSync(fd)
    }
  }

  /** Every profile of both files, merged, plus the sso-session and services sections. */
  load(): {
    profiles: Map<string, MergedProfile>
    ssoSessions: Set<string>
    /** The `[sso-session NAME]` sections of the config file, by name (the first of a repeated name). */
    ssoSessionSections: Map<string, IniSection>
    services: Map<string, IniSection>
    problems: ProfileProblem[]
  } {
    const paths = awsFilePaths(this.env)
    const config = this.read(paths.config, 'config')
    const credentials = this.read(paths.credentials, 'credentials')
    const profiles = new Map<string, MergedProfile>()
    const ssoSessions = new Set<string>()
    const ssoSessionSections = new Map<string, IniSection>()
    const services = new Map<string, IniSection>()
    const problems: ProfileProblem[] = []
    for (const file of [config, credentials]) {
      // A problem inside an sso-session or services section belongs to no profile: list it with the file's.
      const others = file.sections.filter((s) => s.kind !== 'profile').flatMap((s) => s.problems)
      problems.push(...[...file.problems, ...others].sort((a, b) => a.line - b.line))
    }
    for (const section of [config.sections, credentials.sections].flat()) {
      if (section.kind === 'sso-session') {
        ssoSessions.add(section.name)
        if (!ssoSessionSections.has(section.name)) ssoSessionSections.set(section.name, section)
      }
      if (section.kind === 'services') services.set(section.name, section)
      if (section.kind !== 'profile') continue
      const merged: MergedProfile = profiles.get(section.name) ?? {
        name: section.name,
        values: new Map(),
        sections: []
      }
      for (const [key, value] of section.values) merged.values.set(key, value)
      merged.sections.push(section)
      profiles.set(section.name, merged)
    }
    return { profiles, ssoSessions, ssoSessionSections, services, problems }
  }

  /**
   * All profiles, sorted by name (default first), each classified and checked; at most
   * `awsFileLimits.profiles` of them, in file order, with one problem counting the rest. No secret and no
   * raw control character is in what it returns.
   */
  list(): ProfileList {
    const { profiles, ssoSessions, services, problems } = this.load()
    const chains = new ChainCheck(profiles)
    const all = [...profiles.values()]
    const summaries = all
      .slice(0, awsFileLimits.profiles)
      .map((profile) => summarize(profile, chains, ssoSessions, services))
      .sort((a, b) =>
        a.name === 'default' ? -1 : b.name === 'default' ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0
      )
    const firstUnlisted = all[awsFileLimits.profiles]?.sections[0]
    if (firstUnlisted) {
      const more = (all.length - awsFileLimits.profiles).toLocaleString('en-US')
      problems.push({
        file: firstUnlisted.file,
        line: firstUnlisted.line,
        reason: `${more} more profiles, from this one on, are not listed: the app lists the first ${awsFileLimits.profiles.toLocaleString('en-US')} (the others can still be used by name).`
      })
    }
    const { config, credentials } = awsFilePaths(this.env)
    const safe = (problem: ProfileProblem): ProfileProblem => ({
      file: escapeInvisible(problem.file),
      line: problem.line,
      reason: escapeInvisible(problem.reason)
    })
    return {
      profiles: summaries.map((summary) => ({ ...summary, problems: summary.problems.map(safe) })),
      files: { config, credentials },
      problems: problems.map(safe)
    }
  }

  /** The merged profile, or an error naming the files to check (and why one of them was not read). */
  profile(name: string): MergedProfile {
    const { profiles, problems } = this.load()
    const profile = profiles.get(name)
    if (!profile) {
      const { config, credentials } = awsFilePaths(this.env)
      const unreadFiles = problems.filter((p) => p.line === 0).map((p) => ` ${p.file} ${p.reason}`)
      throw new AppError(
        'PROFILE_NOT_FOUND',
        escapeInvisible(
          `There is no AWS profile named "${shown(name)}" in ${config} or ${credentials}.${unreadFiles.join('')}`
        )
      )
    }
    return profile
  }

  /**
   * The endpoint a profile's calls to `service` go to, as the AWS SDKs define it: AWS_ENDPOINT_URL_<SERVICE>,
   * then AWS_ENDPOINT_URL, then the profile's [services] section, then its endpoint_url; none means AWS's
   * own endpoint. AWS_IGNORE_CONFIGURED_ENDPOINT_URLS / ignore_configured_endpoint_urls turn it off.
   * IAM Identity Center's services are `sso` (the access portal) and `sso-oidc` (AWS_ENDPOINT_URL_SSO_OIDC,
   * `sso_oidc = …` in a services section).
   */
  endpointFor(name: string, service: 'connect' | 'sts' | 'sso' | 'sso-oidc'): string | undefined {
    const { profiles, services } = this.load()
    const profile = profiles.get(name)
    const value = (key: string): string | undefined => profile?.values.get(key)?.value || undefined
    const ignore =
      (
        this.env['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'] ?? value('ignore_configured_endpoint_urls')
      )?.toLowerCase() === 'true'
    if (ignore) return undefined
    const section = value('services')
    const id = service.replace(/-/g, '_')
    return (
      this.env[`AWS_ENDPOINT_URL_${id.toUpperCase()}`] ||
      this.env['AWS_ENDPOINT_URL'] ||
      (section ? services.get(section)?.values.get(`${id}.endpoint_url`)?.value : undefined) ||
      value('endpoint_url')
    )
  }

  /** The Region a call for `name` uses when none is given: the profile's, then AWS_REGION, AWS_DEFAULT_REGION. */
  regionOf(name: string): string | undefined {
    return (
      this.profile(name).values.get('region')?.value ||
      this.env['AWS_REGION'] ||
      this.env['AWS_DEFAULT_REGION'] ||
      undefined
    )
  }
}

function summarize(
  profile: MergedProfile,
  chains: ChainCheck,
  ssoSessions: Set<string>,
  services: Map<string, IniSection>
): ProfileSummary {
  const get = (key: string): IniValue | undefined => profile.values.get(key)
  const has = (key: string): boolean => Boolean(get(key)?.value)
  const problems: ProfileProblem[] = profile.sections.flatMap((s) => s.problems)
  const first = profile.sections[0]
  const start = { file: first?.file ?? '', line: first?.line ?? 0 }
  const at = (key: string): { file: string; line: number } => {
    const value = get(key)
    return value ? { file: value.file, line: value.line } : start
  }
  const nameLength = Array.from(profile.name).length
  if (profile.name.length > awsFileLimits.profileNameChars) {
    problems.push({
      ...start,
      reason: `the name is ${nameLength.toLocaleString('en-US')} characters long: the app uses profile names of up to ${awsFileLimits.profileNameChars} characters.`
    })
  }
  if (profile.name.startsWith(sandboxPrefix)) {
    problems.push({
      ...start,
      reason: `a profile named "${shown(profile.name)}" takes the place of the app's built-in Sandbox account of that name: rename it.`
    })
  }
  const kinds: ProfileKind[] = []
  const roleArn = get('role_arn')?.value
  const sourceProfile = get('source_profile')?.value
  const credentialSource = get('credential_source')?.value

  if (roleArn && !has('web_identity_token_file')) {
    kinds.push('assume-role')
    if (!sourceProfile && !credentialSource) {
      problems.push({
        ...at('role_arn'),
        reason: 'role_arn needs a source_profile or a credential_source to assume it with.'
      })
    }
    if (sourceProfile && credentialSource) {
      problems.push({
        ...at('credential_source'),
        reason: 'set source_profile or credential_source, not both.'
      })
    }
    if (credentialSource && !credentialSources.includes(credentialSource)) {
      problems.push({
        ...at('credential_source'),
        reason: `credential_source must be one of ${credentialSources.join(', ')}.`
      })
    }
    const chainProblem = chains.problem(profile)
    if (chainProblem) problems.push({ ...at('source_profile'), reason: chainProblem })
  }
  if (has('mfa_serial')) kinds.push('mfa')
  if (has('aws_access_key_id') || has('aws_secret_access_key')) {
    kinds.push('static')
    if (!has('aws_access_key_id') || !has('aws_secret_access_key')) {
      problems.push({
        ...at(has('aws_access_key_id') ? 'aws_access_key_id' : 'aws_secret_access_key'),
        reason: 'static keys need both aws_access_key_id and aws_secret_access_key.'
      })
    }
  }
  const ssoSession = get('sso_session')?.value
  if (ssoSession || has('sso_start_url')) {
    kinds.push('sso')
    if (ssoSession && !ssoSessions.has(ssoSession)) {
      problems.push({
        ...at('sso_session'),
        reason: `sso_session "${shown(ssoSession)}" has no [sso-session ${shown(ssoSession)}] section.`
      })
    }
  }
  if (has('credential_process')) kinds.push('credential-process')
  if (has('web_identity_token_file')) kinds.push('web-identity')
  if (has('login_session')) kinds.push('login')
  if (kinds.length === 0 || (kinds.length === 1 && kinds[0] === 'mfa')) {
    problems.push({
      ...at('region'),
      reason: 'no credentials here: add keys, a role (role_arn + source_profile), SSO or credential_process.'
    })
  }

  const servicesName = get('services')?.value
  const servicesSection = servicesName ? services.get(servicesName) : undefined
  if (servicesName && !servicesSection) {
    problems.push({
      ...at('services'),
      reason: `services "${shown(servicesName)}" has no [services ${shown(servicesName)}] section.`
    })
  }
  const hasEndpointUrl =
    has('endpoint_url') ||
    [...(servicesSection?.values.keys() ?? [])].some(
      (key) => key === 'connect.endpoint_url' || key === 'sts.endpoint_url'
    )

  const region = get('region')?.value
  const mfaSerial = get('mfa_serial')?.value
  // What is only shown (never passed back) is cut short and has its control characters escaped; `name`
  // stays as written, to be passed back (its label is the shown form). An IAM ARN is at most 2048 long.
  const display = (value: string, max: number = awsFileLimits.profileNameChars): string => shown(value, max)
  return {
    name: profile.name,
    label: shown(profile.name, awsFileLimits.profileNameChars),
    source: 'aws',
    kinds,
    ...(region ? { region: display(region) } : {}),
    hasEndpointUrl,
    ...(roleArn ? { roleArn: display(roleArn, 2048) } : {}),
    ...(sourceProfile ? { sourceProfile: display(sourceProfile) } : {}),
    ...(mfaSerial ? { mfaSerial: display(mfaSerial) } : {}),
    ...(ssoSession ? { ssoSession: display(ssoSession) } : {}),
    problems
  }
}

/** Where a source_profile chain ends, seen from a profile reached through source_profile. */
type ChainEnd =
  | { end: 'ok'; roles: number; last: string }
  | { end: 'missing'; target: string; last: string; length: number }
  | { end: 'loop'; loop: ChainLoop; member: boolean }

/** A source_profile loop and the profile (first in file order) whose problem describes it. */
interface ChainLoop {
  members: string[]
  reporter: string
}

const hasValue = (profile: MergedProfile, key: string): boolean => Boolean(profile.values.get(key)?.value)

/**
 * Follows source_profile chains as the SDK's `resolveProfileData` does, for every profile at once in
 * linear time (each profile is walked once, iteratively, and remembered): a profile reached through
 * source_profile stops the chain when it has static keys, goes on when it assumes a role with a
 * source_profile (and no credential_source), and ends the chain otherwise. A loop is described once, on
 * its first profile in file order; its other members and the profiles leading into it point there.
 */
class ChainCheck {
  private readonly ends = new Map<string, ChainEnd>()
  private order: Map<string, number> | undefined

  constructor(private readonly all: Map<string, MergedProfile>) {}

  /** What is wrong with `profile`'s chain (missing, a loop, too long), or undefined. */
  problem(profile: MergedProfile): string | undefined {
    if (!this.assumesWithSource(profile)) return undefined
    const source = profile.values.get('source_profile')?.value ?? ''
    if (!this.all.has(source)) return `source_profile "${shown(source)}" does not exist.`
    const end = this.resolve(source)
    if (end.end === 'ok') {
      const roles = end.roles + 1
      if (roles <= awsFileLimits.roleChain) return undefined
      return `the source_profile chain ${this.chain(profile.name, roles + 1, end.last)} assumes ${roles.toLocaleString('en-US')} roles in a row, more than ${awsFileLimits.roleChain}: each is an STS call, so the app reports a longer chain as a mistake.`
    }
    if (end.end === 'missing') {
      const chain = this.chain(profile.name, end.length + 1, end.last)
      return `source_profile chain ${chain} → ${shown(end.target)} ends at "${shown(end.target)}", which does not exist.`
    }
    const own = this.ends.get(profile.name)
    const reporter = shown(end.loop.reporter)
    if (own?.end === 'loop' && own.member && own.loop === end.loop) {
      if (end.loop.reporter !== profile.name) {
        return `source_profile chain loops (the loop is shown on profile "${reporter}").`
      }
      const { members } = end.loop
      const from = members.indexOf(profile.name)
      const cycle = [...members.slice(from), ...members.slice(0, from)]
      if (cycle.length <= 10)
        return `source_profile chain loops: ${[...cycle, profile.name].map((n) => shown(n)).join(' → ')}.`
      const names = [...cycle.slice(0, 8), '…', cycle[cycle.length - 1] ?? '', profile.name]
      return `source_profile chain loops: ${names.map((n) => (n === '…' ? n : shown(n))).join(' → ')} (${cycle.length.toLocaleString('en-US')} profiles in the loop).`
    }
    return `source_profile chain runs into the loop shown on profile "${reporter}".`
  }

  /** The SDK's isAssumeRoleWithSourceProfile: role_arn and source_profile, no credential_source. */
  private assumesWithSource(profile: MergedProfile): boolean {
    return (
      hasValue(profile, 'role_arn') &&
      profile.values.has('source_profile') &&
      !profile.values.has('credential_source')
    )
  }

  /** Where the chain goes after `profile` when it is reached through source_profile; undefined ends it. */
  private next(profile: MergedProfile): string | undefined {
    if (hasValue(profile, 'aws_access_key_id') && hasValue(profile, 'aws_secret_access_key')) return undefined
    return this.assumesWithSource(profile) ? profile.values.get('source_profile')?.value : undefined
  }

  /** Where the chain from `start` (an existing profile, reached through source_profile) ends. */
  private resolve(start: string): ChainEnd {
    const path: string[] = []
    const onPath = new Map<string, number>()
    let name = start
    let end: ChainEnd
    for (;;) {
      const known = this.ends.get(name)
      if (known) {
        end = known
        break
      }
      const at = onPath.get(name)
      if (at !== undefined) {
        const members = path.slice(at)
        const loop: ChainLoop = { members, reporter: this.firstInFiles(members) }
        for (const member of members) this.ends.set(member, { end: 'loop', loop, member: true })
        path.length = at
        end = { end: 'loop', loop, member: false }
        break
      }
      const profile = this.all.get(name)
      const next = profile ? this.next(profile) : undefined
      if (next === undefined) {
        end = { end: 'ok', roles: 0, last: name }
        this.ends.set(name, end)
        break
      }
      if (!this.all.has(next)) {
        end = { end: 'missing', target: next, last: name, length: 1 }
        this.ends.set(name, end)
        break
      }
      onPath.set(name, path.length)
      path.push(name)
      name = next
    }
    for (let index = path.length - 1; index >= 0; index--) {
      end =
        end.end === 'ok'
          ? { ...end, roles: end.roles + 1 }
          : end.end === 'missing'
            ? { ...end, length: end.length + 1 }
            : { end: 'loop', loop: end.loop, member: false }
      this.ends.set(path[index] ?? '', end)
    }
    return this.ends.get(start) ?? end
  }

  /** `first → …` for a chain of `length` profiles from `first` ending at `last`, at most 6 names shown. */
  private chain(first: string, length: number, last: string): string {
    const names = [first]
    let current = this.all.get(first)?.values.get('source_profile')?.value
    while (current !== undefined && names.length < Math.min(length, 6)) {
      names.push(current)
      const profile = this.all.get(current)
      current = profile ? this.next(profile) : undefined
    }
    if (length > names.length) names.splice(Math.min(names.length, 5), Infinity, '…', last)
    return names.map((n) => (n === '…' ? n : shown(n))).join(' → ')
  }

  /** The member that comes first in the files. */
  private firstInFiles(members: string[]): string {
    if (!this.order) this.order = new Map([...this.all.keys()].map((name, index) => [name, index]))
    const order = this.order
    return members.reduce((best, name) =>
      (order.get(name) ?? Infinity) < (order.get(best) ?? Infinity) ? name : best
    )
  }
}
