import { readFileSync, statSync } from 'node:fs'
import type { ProfileKind, ProfileList, ProfileProblem, ProfileSummary } from '../../shared/accounts'
import { AppError } from '../../shared/result'
import { awsFilePaths, parseAwsIni, type IniFile, type IniSection, type IniValue } from './aws-ini'

/** A profile merged from both files: config first, the credentials file wins key by key (as the SDK). */
export interface MergedProfile {
  name: string
  values: Map<string, IniValue>
  sections: IniSection[]
}

const credentialSources = ['Environment', 'Ec2InstanceMetadata', 'EcsContainer']

/**
 * Lists and classifies the admin's AWS profiles. It reads the files fresh on every call (so edits show
 * up without a restart), never writes them, and describes a broken profile instead of failing the list.
 */
export class ProfileService {
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

  private read(file: string, kind: 'config' | 'credentials'): IniFile {
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'ENOENT') return { sections: [], problems: [] }
      return {
        sections: [],
        problems: [{ file, line: 0, reason: `cannot be read (${code ?? (error as Error).message}).` }]
      }
    }
    return parseAwsIni(text, file, kind)
  }

  /** Every profile of both files, merged, plus the sso-session and services sections. */
  load(): {
    profiles: Map<string, MergedProfile>
    ssoSessions: Set<string>
    services: Map<string, IniSection>
    problems: ProfileProblem[]
  } {
    const paths = awsFilePaths(this.env)
    const config = this.read(paths.config, 'config')
    const credentials = this.read(paths.credentials, 'credentials')
    const profiles = new Map<string, MergedProfile>()
    const ssoSessions = new Set<string>()
    const services = new Map<string, IniSection>()
    for (const section of [...config.sections, ...credentials.sections]) {
      if (section.kind === 'sso-session') ssoSessions.add(section.name)
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
    return { profiles, ssoSessions, services, problems: [...config.problems, ...credentials.problems] }
  }

  /** All profiles, sorted by name, each classified and checked. */
  list(): ProfileList {
    const { profiles, ssoSessions, services, problems } = this.load()
    const summaries = [...profiles.values()]
      .map((profile) => summarize(profile, profiles, ssoSessions, services))
      .sort((a, b) =>
        a.name === 'default' ? -1 : b.name === 'default' ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0
      )
    const { config, credentials } = awsFilePaths(this.env)
    return { profiles: summaries, files: { config, credentials }, problems }
  }

  /** The merged profile, or an error naming the files to check. */
  profile(name: string): MergedProfile {
    const profile = this.load().profiles.get(name)
    if (!profile) {
      const { config, credentials } = awsFilePaths(this.env)
      throw new AppError(
        'PROFILE_NOT_FOUND',
        `There is no AWS profile named "${name}" in ${config} or ${credentials}.`
      )
    }
    return profile
  }

  /**
   * The endpoint a profile's calls to `service` go to, as the AWS SDKs define it: AWS_ENDPOINT_URL_<SERVICE>,
   * then AWS_ENDPOINT_URL, then the profile's [services] section, then its endpoint_url; none means AWS's
   * own endpoint. AWS_IGNORE_CONFIGURED_ENDPOINT_URLS / ignore_configured_endpoint_urls turn it off.
   */
  endpointFor(name: string, service: 'connect' | 'sts'): string | undefined {
    const { profiles, services } = this.load()
    const profile = profiles.get(name)
    const value = (key: string): string | undefined => profile?.values.get(key)?.value || undefined
    const ignore =
      (
        this.env['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS'] ?? value('ignore_configured_endpoint_urls')
      )?.toLowerCase() === 'true'
    if (ignore) return undefined
    const section = value('services')
    return (
      this.env[`AWS_ENDPOINT_URL_${service.toUpperCase()}`] ||
      this.env['AWS_ENDPOINT_URL'] ||
      (section ? services.get(section)?.values.get(`${service}.endpoint_url`)?.value : undefined) ||
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
  all: Map<string, MergedProfile>,
  ssoSessions: Set<string>,
  services: Map<string, IniSection>
): ProfileSummary {
  const get = (key: string): IniValue | undefined => profile.values.get(key)
  const has = (key: string): boolean => Boolean(get(key)?.value)
  const problems: ProfileProblem[] = profile.sections.flatMap((s) => s.problems)
  const at = (key: string): { file: string; line: number } => {
    const value = get(key)
    const first = profile.sections[0]
    return value
      ? { file: value.file, line: value.line }
      : { file: first?.file ?? '', line: first?.line ?? 0 }
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
    if (sourceProfile) {
      const chainProblem = checkChain(profile.name, all)
      if (chainProblem) problems.push({ ...at('source_profile'), reason: chainProblem })
    }
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
        reason: `sso_session "${ssoSession}" has no [sso-session ${ssoSession}] section.`
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
      reason: `services "${servicesName}" has no [services ${servicesName}] section.`
    })
  }
  const hasEndpointUrl =
    has('endpoint_url') ||
    [...(servicesSection?.values.keys() ?? [])].some(
      (key) => key === 'connect.endpoint_url' || key === 'sts.endpoint_url'
    )

  const region = get('region')?.value
  const mfaSerial = get('mfa_serial')?.value
  return {
    name: profile.name,
    label: profile.name,
    source: 'aws',
    kinds,
    ...(region ? { region } : {}),
    hasEndpointUrl,
    ...(roleArn ? { roleArn } : {}),
    ...(sourceProfile ? { sourceProfile } : {}),
    ...(mfaSerial ? { mfaSerial } : {}),
    ...(ssoSession ? { ssoSession } : {}),
    problems
  }
}

/** Follows source_profile links from `start`; says what is wrong (missing, loop), or undefined. */
function checkChain(start: string, all: Map<string, MergedProfile>): string | undefined {
  const path = [start]
  let current = all.get(start)
  while (current) {
    const next = current.values.get('source_profile')?.value
    if (!next || !current.values.get('role_arn')?.value) return undefined
    // A profile may name itself when it also holds the keys to assume its role with.
    if (next === current.name && current.values.get('aws_access_key_id')?.value) return undefined
    if (path.includes(next)) return `source_profile chain loops: ${[...path, next].join(' → ')}.`
    const target = all.get(next)
    if (!target) {
      return path.length === 1
        ? `source_profile "${next}" does not exist.`
        : `source_profile chain ${[...path, next].join(' → ')} ends at "${next}", which does not exist.`
    }
    path.push(next)
    current = target
  }
  return undefined
}
