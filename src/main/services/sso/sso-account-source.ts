/**
 * IAM Identity Center accounts and roles as an account source: a profile named
 * `sso:<session>/<account>/<role>` calls AWS with the role credentials GetRoleCredentials gives (kept
 * in memory by SsoService), through the app's proxy and CAs, to the session's endpoints. So instances,
 * templates, create and bulk work with an account the admin picked from Identity Center exactly as with
 * a profile of ~/.aws/config.
 */
import type { NetworkSettings, SsoTarget } from '../../../shared/settings'
import { AppError } from '../../../shared/result'
import { escapeInvisible } from '../../../shared/text'
import type { AccountConnection, AccountSource } from '../aws/client-factory'
import type { Sdk } from '../aws/sdk'
import { proxiesInUse } from '../network'
import type { SsoSessions } from './sessions'
import type { SsoService } from './sso-service'
import { parseSsoProfileName, ssoTargetPrefix } from './target-name'

export class SsoAccountSource implements AccountSource {
  constructor(
    private readonly sso: SsoService,
    private readonly sessions: SsoSessions,
    /** The accounts and roles remembered in settings (a chosen Region among them). */
    private readonly targets: () => SsoTarget[],
    private readonly network: () => NetworkSettings,
    private readonly env: NodeJS.ProcessEnv = process.env
  ) {}

  private target(profile: string): ReturnType<typeof parseSsoProfileName> {
    const target = parseSsoProfileName(profile)
    if (!target) return undefined
    try {
      this.sessions.named(target.session)
      return target
    } catch {
      return undefined
    }
  }

  owns(profile: string): boolean {
    return this.target(profile) !== undefined
  }

  whyMissing(profile: string): AppError | undefined {
    if (!profile.startsWith(ssoTargetPrefix)) return undefined
    const target = parseSsoProfileName(profile)
    if (!target)
      return new AppError(
        'PROFILE_NOT_FOUND',
        escapeInvisible(
          `"${profile.slice(0, 200)}" is not an IAM Identity Center account and role: write sso:<session>/<12-digit account ID>/<role name>.`
        )
      )
    try {
      this.sessions.named(target.session)
      return undefined
    } catch (error) {
      return error instanceof AppError ? error : undefined
    }
  }

  /** The Region remembered for this account and role, else the session's own (sso_region). */
  regionOf(profile: string): string | undefined {
    const target = this.target(profile)
    if (!target) return undefined
    const remembered = this.targets().find(
      (t) =>
        t.session === target.session && t.accountId === target.accountId && t.roleName === target.roleName
    )
    if (remembered?.region) return remembered.region
    try {
      return this.sessions.named(target.session).region
    } catch {
      return undefined
    }
  }

  fingerprint(profile: string): string {
    const target = this.target(profile)
    if (!target) return profile
    const session = this.sessions.named(target.session)
    return `${profile}|${session.startUrl}|${session.region}`
  }

  async connection(profile: string, sdk: Sdk): Promise<AccountConnection> {
    const target = this.target(profile)
    if (!target)
      throw this.whyMissing(profile) ?? new AppError('PROFILE_NOT_FOUND', `No account named ${profile}.`)
    const session = await this.sessions.resolve({ session: target.session })
    const endpoints = await this.sessions.endpoints(session)
    const network = this.network()
    const { session: name, accountId, roleName } = target
    return {
      // A new sign-in (maybe as another user) or a sign-out rebuilds the clients, so the SDK drops the
      // role credentials it holds.
      version: `${this.sso.generation(name)}|${session.startUrl}|${JSON.stringify(endpoints)}|${JSON.stringify(network)}`,
      credentials: () => this.sso.roleCredentials(name, accountId, roleName),
      endpoints: {
        ...(endpoints.connect ? { connect: endpoints.connect } : {}),
        ...(endpoints.sts ? { sts: endpoints.sts } : {})
      },
      requestHandler: sdk.createRequestHandler(network, undefined, this.env),
      proxies: proxiesInUse(network, this.env),
      signInCommand: `connect-provisioner login --sso-session ${name}`
    }
  }
}
