/**
 * Clients per profile and Region, and the one path every AWS call takes: a turn from the account's
 * pacer, the shared retry policy, and one explanation of failures. Where credentials and endpoints come
 * from is an `AccountSource`'s business (the admin's AWS profiles, the Sandbox, …): nothing here knows
 * which kind of account it serves.
 */
import type { ConnectClient } from '@aws-sdk/client-connect'
import type { STSClient } from '@aws-sdk/client-sts'
import type { NodeHttpHandler } from '@smithy/node-http-handler'
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types'
import type { ProfileRegion } from '../../../shared/accounts'
import { AppError } from '../../../shared/result'
import { explainAwsError, type CallScope } from './aws-errors'
import type { Pace, PacerPool } from './pacing'
import { withRetries, type RetryDeps, type RetryPolicy } from './retry'
import type { Sdk } from './sdk'

/** Loads the SDK on the first call, so what never calls AWS never loads it. */
const loadSdk = (): Promise<Sdk> => import('./sdk')

/** How to reach AWS as one profile. */
export interface AccountConnection {
  /** Changes whenever the clients must be rebuilt (the profile's files or the network settings changed). */
  version: string
  credentials: AwsCredentialIdentity | AwsCredentialIdentityProvider
  endpoints: { connect?: string; sts?: string }
  /** Proxy and CAs; the SDK's default handler when absent. */
  requestHandler?: NodeHttpHandler
  /** Proxies calls may go through, to name one that refuses. */
  proxies: string[]
  /** For SSO profiles: the command that starts a new session. */
  signInCommand?: string
}

/** A kind of account the app can call AWS as. */
export interface AccountSource {
  /** True when `profile` is one of this source's. */
  owns(profile: string): boolean
  /** The profile's own Region, if it has one. */
  regionOf(profile: string): string | undefined
  /** A token that changes when the profile's definition changes (to invalidate cached answers). */
  fingerprint(profile: string): string
  /** Why `profile` is not one of this source's though it looks like one (e.g. its file is unreadable). */
  whyMissing?(profile: string): AppError | undefined
  /** Credentials, endpoints and HTTP handler for `profile`; `sdk` is the loaded SDK. */
  connection(profile: string, sdk: Sdk): Promise<AccountConnection>
}

/** A profile and the Region its calls go to, both resolved. */
export interface Target {
  profile: string
  region: string
}

/** The clients of one target, with what a call needs around them. */
export interface Clients {
  connect: ConnectClient
  sts: STSClient
  sdk: Sdk
  scope: CallScope
}

/** Where this factory's calls learn the account ID of a profile (to share one pacer per account). */
export type AccountIdOf = (target: Target) => string | undefined

export class ClientFactory {
  private readonly built = new Map<string, { version: string; clients: Promise<Clients> }>()

  constructor(
    private readonly sources: readonly AccountSource[],
    private readonly pacers: PacerPool,
    private readonly policy: RetryPolicy,
    private readonly deps: RetryDeps,
    private readonly accountIdOf: AccountIdOf = () => undefined
  ) {}

  /** The source that owns `profile`, or PROFILE_NOT_FOUND. */
  source(profile: string): AccountSource {
    const source = this.sources.find((s) => s.owns(profile))
    if (source) return source
    throw (
      this.sources.map((s) => s.whyMissing?.(profile)).find((why) => why !== undefined) ??
      new AppError('PROFILE_NOT_FOUND', `There is no profile named "${profile}".`)
    )
  }

  /** The Region for a call: the one given, else the profile's, else a clear error. */
  target(context: ProfileRegion): Target {
    const region = context.region ?? this.source(context.profile).regionOf(context.profile)
    if (!region) {
      throw new AppError(
        'REGION_MISSING',
        `Profile "${context.profile}" has no region: pick a Region (or add region = … to the profile).`
      )
    }
    return { profile: context.profile, region }
  }

  /** A read: paced, retried under the shared policy, and explained when it fails for good. */
  async send<T>(target: Target, call: (clients: Clients) => Promise<T>): Promise<T> {
    const clients = await this.clients(target)
    try {
      return await withRetries(this.policy, this.deps, async () => {
        await this.pacer(target).take()
        return call(clients)
      })
    } catch (error) {
      throw explainAwsError(error, clients.scope)
    }
  }

  /** One paced attempt with its raw error, for loops that decide retries themselves (CreateUser). */
  async sendOnce<T>(target: Target, call: (clients: Clients) => Promise<T>): Promise<T> {
    const clients = await this.clients(target)
    await this.pacer(target).take()
    return call(clients)
  }

  /** The AppError for a failure of a call to `target`. */
  async explain(error: unknown, target: Target): Promise<AppError> {
    return explainAwsError(error, (await this.clients(target)).scope)
  }

  /** The retry policy and its clock, for loops built on it. */
  retrying(): { policy: RetryPolicy; deps: RetryDeps } {
    return { policy: this.policy, deps: this.deps }
  }

  /** Clients per profile and Region, rebuilt (and the old ones closed) when the connection changes. */
  private async clients(target: Target): Promise<Clients> {
    const source = this.source(target.profile)
    const sdk = await loadSdk()
    const connection = await source.connection(target.profile, sdk).catch((error: unknown) => {
      throw explainAwsError(error, { ...target, proxies: [] })
    })
    const key = `${target.profile}|${target.region}`
    const existing = this.built.get(key)
    if (existing?.version === connection.version) return existing.clients
    if (existing) void existing.clients.then((c) => (c.connect.destroy(), c.sts.destroy()))
    const config = {
      region: target.region,
      credentials: connection.credentials,
      // Every attempt is paced and retried by `send`/`sendOnce`, so the SDK makes exactly one.
      maxAttempts: 1,
      // Endpoints come from the account source alone: the SDK would otherwise read AWS_PROFILE's.
      ignoreConfiguredEndpointUrls: true,
      ...(connection.requestHandler ? { requestHandler: connection.requestHandler } : {})
    }
    const { connect: connectEndpoint, sts: stsEndpoint } = connection.endpoints
    const clients = Promise.resolve({
      connect: new sdk.ConnectClient({
        ...config,
        ...(connectEndpoint ? { endpoint: connectEndpoint } : {})
      }),
      sts: new sdk.STSClient({ ...config, ...(stsEndpoint ? { endpoint: stsEndpoint } : {}) }),
      sdk,
      scope: {
        ...target,
        proxies: connection.proxies,
        ...(connection.signInCommand ? { signInCommand: connection.signInCommand } : {})
      }
    })
    this.built.set(key, { version: connection.version, clients })
    return clients
  }

  /**
   * Paces every call to the target's account and Region at `pace` (a quota AWS raised), in this process.
   * Set it once the account is known (after a call such as GetCallerIdentity), so it applies to the
   * account's pacer rather than the profile's.
   */
  setPace(target: Target, pace: Pace): void {
    this.pacers.setPace(this.pacerKey(target), pace)
  }

  /** One pacer per account (per profile until its account is known) and Region. */
  private pacer(target: Target): ReturnType<PacerPool['for']> {
    return this.pacers.for(this.pacerKey(target))
  }

  private pacerKey(target: Target): string {
    const account = this.accountIdOf(target)
    return `${account ? `account:${account}` : `profile:${target.profile}`}|${target.region}`
  }
}
