/**
 * The IAM Identity Center sessions the app knows, and how to reach each: the `[sso-session NAME]`
 * sections of ~/.aws/config, the sessions typed into the app (settings.json), the built-in Sandbox's
 * Identity Center, and the start URL of a legacy `sso_start_url` profile. Each resolves to a start
 * URL, a Region, registration scopes, where its token is cached and which endpoints its calls use.
 */
import { join } from 'node:path'
import { AppError } from '../../../shared/result'
import type { AppSsoSession } from '../../../shared/settings'
import type { SsoSessionProblem, SsoSessionRef, SsoSessionSource } from '../../../shared/sso'
import { escapeInvisible } from '../../../shared/text'
import type { ProfileService } from '../profile-service'
import { awsSsoCacheFolder } from './token-cache'

/** The built-in Sandbox's Identity Center, as a session name (`sandbox:` names are the app's own). */
export const sandboxSessionName = 'sandbox:identity-center'

export type { SsoSessionRef, SsoSessionSource }

/** A session, resolved. Nothing secret: the token is read from `cacheFolder` when needed. */
export interface SsoSessionConfig {
  /** How the admin and every call name it: the session name, or the start URL of a legacy profile. */
  id: string
  /** The sso-session name the token file is named after; undefined for a legacy start URL. */
  sessionName?: string
  source: SsoSessionSource
  startUrl: string
  region: string
  /** sso_registration_scopes as written; undefined when not set. */
  scopes?: string[]
  /** Where its token lives: ~/.aws/sso/cache, or the app's own folder for the Sandbox. */
  cacheFolder: string
  /** Profiles of ~/.aws/config that use it. */
  profiles: string[]
  /** The profile whose endpoint settings its calls follow. */
  endpointProfile?: string
}

/** The endpoints a session's calls go to; undefined means AWS's own. */
export interface SsoEndpoints {
  oidc?: string
  portal?: string
  connect?: string
  sts?: string
}

/** The running Sandbox, for its Identity Center. */
export interface SandboxPort {
  start(): Promise<{ url: string }>
}

export type { SsoSessionProblem }

const quoted = (value: string): string => `"${escapeInvisible(value.slice(0, 200))}"`

export class SsoSessions {
  constructor(
    private readonly profiles: ProfileService,
    private readonly appSessions: () => AppSsoSession[],
    private readonly env: NodeJS.ProcessEnv,
    /** The app's data folder: the Sandbox's tokens are cached here, never in ~/.aws. */
    private readonly dataFolder: string,
    private readonly sandbox?: SandboxPort,
    /** The Sandbox Identity Center's Region (the demo's). */
    private readonly sandboxRegion = 'us-east-1'
  ) {}

  /** Every named session (config first, then the app's, then the Sandbox's), and what is wrong with some. */
  list(): { sessions: SsoSessionConfig[]; problems: SsoSessionProblem[] } {
    const { profiles, ssoSessionSections } = this.profiles.load()
    const problems: SsoSessionProblem[] = []
    const users = (name: string): string[] =>
      [...profiles.values()].filter((p) => p.values.get('sso_session')?.value === name).map((p) => p.name)
    const sessions: SsoSessionConfig[] = []
    for (const [name, section] of ssoSessionSections) {
      if (name.startsWith('sandbox:')) {
        problems.push({
          session: name,
          reason: `[sso-session ${quoted(name)}]: names starting with sandbox: are the app's own; rename it.`
        })
        continue
      }
      const startUrl = section.values.get('sso_start_url')?.value
      const region = section.values.get('sso_region')?.value
      if (!startUrl || !region) {
        const missing = [startUrl ? '' : 'sso_start_url', region ? '' : 'sso_region']
          .filter(Boolean)
          .join(' and ')
        problems.push({
          session: name,
          reason: `${section.file}:${section.line}: [sso-session ${quoted(name)}] has no ${missing}.`
        })
        continue
      }
      const rawScopes = section.values.get('sso_registration_scopes')?.value
      const using = users(name)
      sessions.push({
        id: name,
        sessionName: name,
        source: 'aws-config',
        startUrl,
        region,
        ...(rawScopes !== undefined ? { scopes: parseScopes(rawScopes) } : {}),
        cacheFolder: awsSsoCacheFolder(this.env),
        profiles: using,
        ...(using[0] ? { endpointProfile: using[0] } : {})
      })
    }
    for (const app of this.appSessions()) {
      if (ssoSessionSections.has(app.name)) {
        problems.push({
          session: app.name,
          reason: `The app's session ${quoted(app.name)} has the name of an [sso-session] in ~/.aws/config, which is used instead: rename one of them.`
        })
        continue
      }
      sessions.push({
        id: app.name,
        sessionName: app.name,
        source: 'app',
        startUrl: app.startUrl,
        region: app.region,
        ...(app.scopes ? { scopes: app.scopes } : {}),
        cacheFolder: awsSsoCacheFolder(this.env),
        profiles: []
      })
    }
    if (this.sandbox) sessions.push(this.sandboxSession(''))
    return { sessions, problems }
  }

  private sandboxSession(startUrl: string): SsoSessionConfig {
    return {
      id: sandboxSessionName,
      sessionName: sandboxSessionName,
      source: 'sandbox',
      startUrl,
      region: this.sandboxRegion,
      scopes: ['sso:account:access'],
      cacheFolder: join(this.dataFolder, 'sandbox-sso-cache'),
      profiles: []
    }
  }

  /** The session a name or profile refers to, with its start URL known (the Sandbox started if it is that). */
  async resolve(ref: SsoSessionRef): Promise<SsoSessionConfig> {
    const session = 'session' in ref ? this.named(ref.session) : this.ofProfile(ref.profile)
    if (session.source !== 'sandbox') return session
    if (!this.sandbox) throw new AppError('PROFILE_NOT_FOUND', 'There is no Sandbox here.')
    const { url } = await this.sandbox.start()
    return this.sandboxSession(`${url}/start`)
  }

  /** The named session, or PROFILE_NOT_FOUND saying which exist. */
  named(name: string): SsoSessionConfig {
    const { sessions, problems } = this.list()
    const found = sessions.find((s) => s.id === name)
    if (found) return found
    const problem = problems.find((p) => p.session === name)
    if (problem) throw new AppError('PROFILE_NOT_FOUND', problem.reason)
    const known = sessions.map((s) => s.id).join(', ') || 'none'
    throw new AppError(
      'PROFILE_NOT_FOUND',
      `There is no IAM Identity Center session named ${quoted(name)} (known: ${known}). Add an [sso-session] to ~/.aws/config, or a session with its start URL and Region in the app.`
    )
  }

  /** The session of an SSO profile: its sso_session, or (legacy) its own sso_start_url and sso_region. */
  ofProfile(name: string): SsoSessionConfig {
    const profile = this.profiles.profile(name)
    const value = (key: string): string | undefined => profile.values.get(key)?.value || undefined
    const sessionName = value('sso_session')
    if (sessionName) {
      const session = this.named(sessionName)
      return { ...session, endpointProfile: name }
    }
    const startUrl = value('sso_start_url')
    const region = value('sso_region')
    if (!startUrl || !region) {
      throw new AppError(
        'INVALID_REQUEST',
        `Profile ${quoted(name)} does not use IAM Identity Center: it has no sso_session (nor sso_start_url and sso_region).`
      )
    }
    return {
      id: startUrl,
      source: 'legacy-profile',
      startUrl,
      region,
      cacheFolder: awsSsoCacheFolder(this.env),
      profiles: [name],
      endpointProfile: name
    }
  }

  /**
   * The endpoints of a session's calls. The Sandbox's are its own URL. Otherwise AWS_ENDPOINT_URL_<SERVICE>
   * and AWS_ENDPOINT_URL, then the endpoint settings of the profile signed in with (or the first profile
   * that uses the session): so the printed Sandbox config, whose profiles set endpoint_url, just works.
   */
  async endpoints(session: SsoSessionConfig): Promise<SsoEndpoints> {
    if (session.source === 'sandbox') {
      if (!this.sandbox) return {}
      const { url } = await this.sandbox.start()
      return { oidc: url, portal: url, connect: url, sts: url }
    }
    const fromEnv = (service: string): string | undefined =>
      this.env[`AWS_ENDPOINT_URL_${service}`] || this.env['AWS_ENDPOINT_URL'] || undefined
    const profile = session.endpointProfile
    const of = (service: 'sso-oidc' | 'sso' | 'connect' | 'sts', id: string): string | undefined => {
      if (profile) {
        try {
          return this.profiles.endpointFor(profile, service)
        } catch {
          return fromEnv(id)
        }
      }
      const ignore = this.env['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS']?.toLowerCase() === 'true'
      return ignore ? undefined : fromEnv(id)
    }
    const endpoints: SsoEndpoints = {}
    const set = (key: keyof SsoEndpoints, value: string | undefined): void => {
      if (value) endpoints[key] = value
    }
    set('oidc', of('sso-oidc', 'SSO_OIDC'))
    set('portal', of('sso', 'SSO'))
    set('connect', of('connect', 'CONNECT'))
    set('sts', of('sts', 'STS'))
    return endpoints
  }
}

/** sso_registration_scopes as the AWS CLI v2 reads it: comma-separated, blanks dropped. */
export function parseScopes(raw: string): string[] {
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
}
