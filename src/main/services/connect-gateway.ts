/**
 * The one way the app reaches AWS. It resolves a profile's credentials in main only (the SDK's own
 * providers, cached until they expire, MFA through the prompter), builds clients that honour the
 * profile's endpoint_url and services section, AWS_ENDPOINT_URL*, the proxy and extra CAs, routes Sandbox profiles to the embedded Sandbox,
 * and turns every failure into an AppError that says what happened and what to do.
 */
import {
  ConnectClient,
  DescribeInstanceCommand,
  CreateUserCommand,
  DescribeUserCommand,
  SearchUsersCommand,
  type CreateUserCommandInput,
  DescribeUserHierarchyStructureCommand,
  paginateListInstances,
  paginateListRoutingProfiles,
  paginateListSecurityProfiles,
  paginateSearchUserHierarchyGroups,
  paginateSearchUsers,
  type User,
  type ConnectServiceException,
  type InstanceSummary as SdkInstanceSummary
} from '@aws-sdk/client-connect'
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { fromIni } from '@aws-sdk/credential-provider-ini'
import { NodeHttpHandler } from '@smithy/node-http-handler'
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types'
import type { CallerIdentity, InstanceContext, InstanceSummary, ProfileRegion } from '../../shared/accounts'
import type { InstanceLookups } from '../../shared/template-resolve'
import type { IdentityType } from '../../shared/connect-rules'
import { AppError } from '../../shared/result'
import type { MfaPrompter } from './mfa-broker'
import type { NetworkSettings } from '../../shared/settings'
import { createRequestHandler, explainNetworkError, proxiesInUse } from './network'
import type { ProfileService } from './profile-service'
import { sandboxPrefix, type SandboxHost } from './sandbox-host'
import { connectDefaultPace, paceClient, TokenBucket, type Pace } from './request-pacer'

/** A profile and the Region its calls go to, both resolved. */
interface Target {
  profile: string
  region: string
}

interface ClientSet {
  connect: ConnectClient
  /** The same, without the SDK's retries: CreateUser retries itself, checking before each retry. */
  connectOnce: ConnectClient
  sts: STSClient
}

/** How CreateUser retries throttling and server errors (exponential backoff with jitter). */
export interface RetryPolicy {
  attempts: number
  baseDelayMs: number
  maxDelayMs: number
}

/** A user CreateUser made (or that our own earlier, ambiguous attempt had made). */
export interface CreatedUser {
  userId: string
  userArn: string
  attempts: number
  /** True when the answer was lost (timeout, reset) and the user was found afterwards by username. */
  recoveredAfterAmbiguity: boolean
}

const ambiguousCodes = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'TimeoutError',
  'RequestTimeout',
  'ECONNABORTED'
])

/** True when the request may have reached AWS but no answer came back. */
function isAmbiguous(error: unknown): boolean {
  const e = error as NodeJS.ErrnoException & { $metadata?: { httpStatusCode?: number } }
  return (
    !e.$metadata?.httpStatusCode &&
    (ambiguousCodes.has(e.code ?? '') || ambiguousCodes.has(e.name) || /socket hang up/i.test(e.message))
  )
}

/** Throttling and server errors are worth retrying; the users quota (LimitExceededException) is not. */
function isRetryable(error: unknown): boolean {
  const e = error as { name?: string; $fault?: string; $metadata?: { httpStatusCode?: number } }
  if (e.name === 'LimitExceededException') return false
  return (
    e.name === 'ThrottlingException' ||
    e.name === 'TooManyRequestsException' ||
    e.$fault === 'server' ||
    (e.$metadata?.httpStatusCode ?? 0) >= 500
  )
}

const refreshMargin = 5 * 60_000

export class ConnectGateway {
  private readonly credentials = new Map<
    string,
    { version: string; identity: Promise<AwsCredentialIdentity> }
  >()
  private readonly clients = new Map<string, ClientSet>()
  private readonly memo = new Map<string, { until: number; value: Promise<unknown> }>()
  /** One bucket per profile and Region, shared by its clients and kept when they are rebuilt. */
  private readonly buckets = new Map<string, TokenBucket>()

  constructor(
    private readonly profiles: ProfileService,
    private readonly sandbox: SandboxHost,
    private readonly network: () => NetworkSettings,
    private readonly mfa: MfaPrompter,
    private readonly retry: RetryPolicy = { attempts: 6, baseDelayMs: 500, maxDelayMs: 8000 },
    private readonly pace: Pace = connectDefaultPace
  ) {}

  /** The Region for a call: the one given, else the profile's, else AWS_REGION; or a clear error. */
  region(context: ProfileRegion): string {
    if (context.region) return context.region
    const region = this.isSandbox(context.profile)
      ? this.sandboxAccount(context.profile).summary.region
      : this.profiles.regionOf(context.profile)
    if (!region) {
      throw new AppError(
        'REGION_MISSING',
        `Profile "${context.profile}" has no region: pick a Region (or add region = … to the profile).`
      )
    }
    return region
  }

  /** STS GetCallerIdentity: which account and principal the profile's credentials belong to (cached 5 minutes). */
  async whoami(context: ProfileRegion): Promise<CallerIdentity> {
    const target = { profile: context.profile, region: this.region(context) }
    return this.remembered(`whoami|${target.profile}|${target.region}`, () => this.callerIdentity(target))
  }

  private async callerIdentity(target: Target): Promise<CallerIdentity> {
    const { sts } = await this.clientsFor(target)
    const identity = await this.call(target, () => sts.send(new GetCallerIdentityCommand({})))
    return {
      accountId: identity.Account ?? '',
      arn: identity.Arn ?? '',
      userId: identity.UserId ?? '',
      region: target.region
    }
  }

  /** Every Connect instance of the account in the Region (ListInstances, 10 per page). */
  async listInstances(context: ProfileRegion): Promise<InstanceSummary[]> {
    const target = { profile: context.profile, region: this.region(context) }
    const { connect } = await this.clientsFor(target)
    return this.call(target, async () => {
      const instances: InstanceSummary[] = []
      for await (const page of paginateListInstances({ client: connect, pageSize: 10 }, {})) {
        instances.push(...(page.InstanceSummaryList ?? []).map(toInstance))
      }
      return instances.sort((a, b) => a.alias.localeCompare(b.alias))
    })
  }

  /** DescribeInstance for the instance the admin selected (cached 5 minutes: its identity type does not change). */
  async describeInstance(context: InstanceContext): Promise<InstanceSummary> {
    return this.remembered(`instance|${context.profile}|${context.region}|${context.instanceId}`, () =>
      this.instance(context)
    )
  }

  private async instance(context: InstanceContext): Promise<InstanceSummary> {
    const target = { profile: context.profile, region: context.region }
    const { connect } = await this.clientsFor(target)
    const result = await this.call(target, () =>
      connect.send(new DescribeInstanceCommand({ InstanceId: context.instanceId }))
    )
    if (!result.Instance)
      throw new AppError('AWS', `DescribeInstance returned no instance for ${context.instanceId}.`)
    return toInstance(result.Instance)
  }

  /** Routing profiles, security profiles, hierarchy groups (with their paths) and level names of an instance. */
  async instanceLookups(
    context: InstanceContext
  ): Promise<Omit<InstanceLookups, 'accountId' | 'alias' | 'fetchedAt'>> {
    const target = { profile: context.profile, region: context.region }
    const { connect } = await this.clientsFor(target)
    const InstanceId = context.instanceId
    return this.call(target, async () => {
      const routingProfiles: InstanceLookups['routingProfiles'] = []
      for await (const page of paginateListRoutingProfiles(
        { client: connect, pageSize: 1000 },
        { InstanceId }
      )) {
        for (const r of page.RoutingProfileSummaryList ?? [])
          routingProfiles.push({ id: r.Id ?? '', name: r.Name ?? '' })
      }
      const securityProfiles: InstanceLookups['securityProfiles'] = []
      for await (const page of paginateListSecurityProfiles(
        { client: connect, pageSize: 1000 },
        { InstanceId }
      )) {
        for (const s of page.SecurityProfileSummaryList ?? [])
          securityProfiles.push({ id: s.Id ?? '', name: s.Name ?? '' })
      }
      const hierarchyGroups: InstanceLookups['hierarchyGroups'] = []
      const levels = ['LevelOne', 'LevelTwo', 'LevelThree', 'LevelFour', 'LevelFive'] as const
      for await (const page of paginateSearchUserHierarchyGroups(
        { client: connect, pageSize: 100 },
        { InstanceId }
      )) {
        for (const g of page.UserHierarchyGroups ?? []) {
          const path = levels
            .map((level) => g.HierarchyPath?.[level]?.Name)
            .filter((n): n is string => Boolean(n))
          hierarchyGroups.push({
            id: g.Id ?? '',
            name: g.Name ?? '',
            path: path.length ? path : [g.Name ?? '']
          })
        }
      }
      const structure = await connect.send(new DescribeUserHierarchyStructureCommand({ InstanceId }))
      const hierarchyLevels = levels
        .map((level) => structure.HierarchyStructure?.[level]?.Name)
        .filter((n): n is string => Boolean(n))
      return {
        instanceId: InstanceId,
        region: context.region,
        routingProfiles,
        securityProfiles,
        hierarchyGroups,
        hierarchyLevels
      }
    })
  }

  /** Users whose username contains `query` (SearchUsers), at most 50. */
  async searchUsers(
    context: InstanceContext,
    query: string
  ): Promise<Array<{ id: string; username: string; name: string }>> {
    const target = { profile: context.profile, region: context.region }
    const { connect } = await this.clientsFor(target)
    return this.call(target, async () => {
      const found: Array<{ id: string; username: string; name: string }> = []
      const criteria = {
        StringCondition: { FieldName: 'Username', ComparisonType: 'CONTAINS' as const, Value: query }
      }
      for await (const page of paginateSearchUsers(
        { client: connect, pageSize: 50 },
        { InstanceId: context.instanceId, SearchCriteria: criteria }
      )) {
        for (const u of page.Users ?? []) {
          found.push({
            id: u.Id ?? '',
            username: u.Username ?? '',
            name: [u.IdentityInfo?.FirstName, u.IdentityInfo?.LastName].filter(Boolean).join(' ')
          })
        }
        if (found.length >= 50) break
      }
      return found.slice(0, 50)
    })
  }

  /** The user with exactly this username, if any (SearchUsers EXACT). */
  async findUser(
    context: InstanceContext,
    username: string
  ): Promise<{ id: string; arn: string; routingProfileId?: string } | undefined> {
    const target = { profile: context.profile, region: context.region }
    const { connect } = await this.clientsFor(target)
    const found = await this.call(target, () =>
      connect.send(
        new SearchUsersCommand({
          InstanceId: context.instanceId,
          SearchCriteria: {
            StringCondition: { FieldName: 'Username', ComparisonType: 'EXACT', Value: username }
          }
        })
      )
    )
    const user = found.Users?.find((u) => u.Username === username)
    return user
      ? {
          id: user.Id ?? '',
          arn: user.Arn ?? '',
          ...(user.RoutingProfileId ? { routingProfileId: user.RoutingProfileId } : {})
        }
      : undefined
  }

  /**
   * CreateUser that never creates anyone twice. Throttling and server errors are retried with backoff;
   * the users quota is not. When an attempt's answer is lost (reset, timeout), the username is looked up
   * before any retry, and a DuplicateResourceException after such an attempt means our user exists.
   */
  async createUser(
    context: InstanceContext,
    request: Record<string, unknown> & { Username: string }
  ): Promise<CreatedUser> {
    const target = { profile: context.profile, region: context.region }
    const { connectOnce } = await this.clientsFor(target)
    let ambiguous = false
    let last: unknown
    for (let attempt = 1; attempt <= this.retry.attempts; attempt++) {
      try {
        const out = await connectOnce.send(
          new CreateUserCommand({ ...request, InstanceId: context.instanceId } as CreateUserCommandInput)
        )
        return {
          userId: out.UserId ?? '',
          userArn: out.UserArn ?? '',
          attempts: attempt,
          recoveredAfterAmbiguity: false
        }
      } catch (error) {
        last = error
        const duplicateOfOurs = (error as Error).name === 'DuplicateResourceException' && ambiguous
        if (isAmbiguous(error) || duplicateOfOurs) {
          ambiguous = true
          const found = await this.findUser(context, request.Username)
          if (found)
            return { userId: found.id, userArn: found.arn, attempts: attempt, recoveredAfterAmbiguity: true }
          if (duplicateOfOurs) break
        } else if (!isRetryable(error)) {
          break
        }
        if (attempt < this.retry.attempts) {
          // Exponential backoff with "equal jitter": at least half the ceiling, so a bucket refills.
          const ceiling = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1))
          await new Promise((resolve) => setTimeout(resolve, ceiling / 2 + (Math.random() * ceiling) / 2))
        }
      }
    }
    throw this.explain(last, target)
  }

  /** DescribeUser. */
  async describeUser(context: InstanceContext, userId: string): Promise<User> {
    const target = { profile: context.profile, region: context.region }
    const { connect } = await this.clientsFor(target)
    const result = await this.call(target, () =>
      connect.send(new DescribeUserCommand({ InstanceId: context.instanceId, UserId: userId }))
    )
    if (!result.User) throw new AppError('NOT_FOUND', `User ${userId} was not found.`)
    return result.User
  }

  /**
   * Answers that do not change while the admin works (who a profile is, an instance's identity type) are
   * kept for five minutes: every call counts against the account's 2 requests/second.
   */
  private remembered<T>(key: string, load: () => Promise<T>): Promise<T> {
    const hit = this.memo.get(key)
    if (hit && hit.until > Date.now()) return hit.value as Promise<T>
    const value = load()
    this.memo.set(key, { until: Date.now() + 5 * 60_000, value })
    value.catch(() => this.memo.delete(key))
    return value
  }

  private isSandbox(profile: string): boolean {
    return profile.startsWith(sandboxPrefix)
  }

  private sandboxAccount(profile: string): ReturnType<SandboxHost['accounts']>[number] {
    const account = this.sandbox.accounts().find((a) => a.summary.name === profile)
    if (!account) throw new AppError('PROFILE_NOT_FOUND', `There is no Sandbox account named "${profile}".`)
    return account
  }

  private async clientsFor(target: Target): Promise<ClientSet> {
    if (this.isSandbox(target.profile)) {
      const account = this.sandboxAccount(target.profile)
      const { url } = await this.sandbox.start()
      const key = `${target.profile}|${target.region}|${url}`
      return this.cached(key, () => {
        const config = {
          region: target.region,
          endpoint: url,
          credentials: account.credentials,
          requestHandler: new NodeHttpHandler()
        }
        return {
          connect: new ConnectClient(config),
          connectOnce: new ConnectClient({ ...config, maxAttempts: 1 }),
          sts: new STSClient(config)
        }
      })
    }
    const profile = this.profiles.profile(target.profile)
    const network = this.network()
    const key = `${target.profile}|${target.region}|${this.profiles.files().version}|${JSON.stringify(network)}`
    return this.cached(key, () => {
      const requestHandler = createRequestHandler(network, profile.values.get('ca_bundle')?.value)
      const connectEndpoint = this.profiles.endpointFor(target.profile, 'connect')
      const stsEndpoint = this.profiles.endpointFor(target.profile, 'sts')
      const credentials = this.credentialsFor(target.profile, requestHandler, stsEndpoint)
      const config = { profile: target.profile, region: target.region, requestHandler, credentials }
      const connectConfig = { ...config, ...(connectEndpoint ? { endpoint: connectEndpoint } : {}) }
      return {
        connect: new ConnectClient(connectConfig),
        connectOnce: new ConnectClient({ ...connectConfig, maxAttempts: 1 }),
        sts: new STSClient({ ...config, ...(stsEndpoint ? { endpoint: stsEndpoint } : {}) })
      }
    })
  }

  /**
   * Clients per profile and Region; a changed file or network setting replaces (and closes) the old ones.
   * Connect calls wait their turn in the profile and Region's bucket, so bursts are not throttled.
   */
  private cached(key: string, build: () => ClientSet): ClientSet {
    let set = this.clients.get(key)
    if (!set) {
      const scope = key.split('|').slice(0, 2).join('|') + '|'
      for (const [old, clients] of this.clients) {
        if (!old.startsWith(scope)) continue
        for (const client of [clients.connect, clients.connectOnce, clients.sts]) client.destroy()
        this.clients.delete(old)
      }
      set = build()
      let bucket = this.buckets.get(scope)
      if (!bucket) this.buckets.set(scope, (bucket = new TokenBucket(this.pace)))
      paceClient(set.connect, bucket)
      paceClient(set.connectOnce, bucket)
      this.clients.set(key, set)
    }
    return set
  }

  /** The SDK's own ini provider for `profile`, resolved once and reused until shortly before it expires. */
  private credentialsFor(
    profile: string,
    requestHandler: NodeHttpHandler,
    stsEndpoint: string | undefined
  ): AwsCredentialIdentityProvider {
    return async (options) => {
      const version = this.profiles.files().version
      const cached = this.credentials.get(profile)
      if (cached?.version === version) {
        const identity = await cached.identity.catch(() => undefined)
        if (identity && (!identity.expiration || identity.expiration.getTime() - Date.now() > refreshMargin))
          return identity
      }
      const identity = fromIni({
        profile,
        ignoreCache: true,
        mfaCodeProvider: (mfaSerial) => this.mfa({ profile, mfaSerial }),
        // Role assumption (every hop of a chain) goes through the same proxy, CAs and STS endpoint.
        clientConfig: { profile, requestHandler, ...(stsEndpoint ? { endpoint: stsEndpoint } : {}) }
      })(options)
      this.credentials.set(profile, { version, identity })
      identity.catch(() => {
        if (this.credentials.get(profile)?.identity === identity) this.credentials.delete(profile)
      })
      return identity
    }
  }

  /** Runs one AWS call and explains its failure. */
  private async call<T>(target: Target, run: () => Promise<T>): Promise<T> {
    try {
      return await run()
    } catch (error) {
      throw this.explain(error, target)
    }
  }

  private explain(error: unknown, target: Target): AppError {
    if (error instanceof AppError) return error
    const network = explainNetworkError(
      error,
      this.isSandbox(target.profile) ? [] : proxiesInUse(this.network())
    )
    if (network) return network
    const err = error as Partial<ConnectServiceException> & Error
    if (
      err.name === 'CredentialsProviderError' ||
      err.name === 'ProviderError' ||
      err.name === 'TokenProviderError'
    ) {
      const summary = this.profiles.list().profiles.find((p) => p.name === target.profile)
      if (summary?.kinds.includes('sso')) {
        return new AppError(
          'CREDENTIALS',
          `The SSO session of profile "${target.profile}" has expired or was never started. Run: aws sso login --profile ${target.profile}`,
          { command: `aws sso login --profile ${target.profile}` }
        )
      }
      return new AppError(
        'CREDENTIALS',
        `Profile "${target.profile}" cannot give credentials: ${err.message}`
      )
    }
    if (err.$metadata) {
      const awsCode = err.name
      const hint: Record<string, string> = {
        UnrecognizedClientException: `The access key of profile "${target.profile}" is not valid for AWS (deleted, deactivated or mistyped).`,
        InvalidClientTokenId: `The access key of profile "${target.profile}" is not valid for AWS (deleted, deactivated or mistyped).`,
        InvalidSignatureException: `The secret key of profile "${target.profile}" does not match its access key.`,
        SignatureDoesNotMatch: `The secret key of profile "${target.profile}" does not match its access key.`,
        ExpiredTokenException: `The session of profile "${target.profile}" has expired: refresh its credentials and try again.`,
        ExpiredToken: `The session of profile "${target.profile}" has expired: refresh its credentials and try again.`,
        AccessDeniedException: `Profile "${target.profile}" is not allowed to do this: ${err.message}`,
        AccessDenied: `Profile "${target.profile}" is not allowed to do this: ${err.message}`,
        ThrottlingException: `AWS is throttling this account in ${target.region} (2 requests per second by default) and the retries ran out: try again in a minute.`,
        LimitExceededException: `The instance has reached its users quota (500 users by default): raise it in Service Quotas, or remove unused users. ${err.message}`,
        DuplicateResourceException: `A user with this username already exists in the instance. ${err.message}`
      }
      const field =
        /at '([^']+)'/.exec(err.message)?.[1] ??
        /^(IdentityInfo\.\w+|PhoneConfig\.\w+|Password|DirectoryUserId|Username)\b/.exec(err.message)?.[1]
      return new AppError('AWS', hint[awsCode] ?? `${awsCode}: ${err.message}`, {
        awsCode,
        httpStatus: err.$metadata.httpStatusCode,
        requestId: err.$metadata.requestId,
        ...(field ? { field } : {})
      })
    }
    return new AppError(
      'INTERNAL',
      `Unexpected failure calling AWS with profile "${target.profile}": ${err.message ?? String(error)}`
    )
  }
}

function toInstance(instance: SdkInstanceSummary): InstanceSummary {
  return {
    id: instance.Id ?? '',
    arn: instance.Arn ?? '',
    alias: instance.InstanceAlias ?? instance.Id ?? '',
    identityType: (instance.IdentityManagementType ?? 'CONNECT_MANAGED') as IdentityType,
    status: instance.InstanceStatus ?? 'UNKNOWN',
    ...(instance.CreatedTime ? { createdTime: instance.CreatedTime.toISOString() } : {}),
    ...(instance.InstanceAccessUrl ? { accessUrl: instance.InstanceAccessUrl } : {})
  }
}
