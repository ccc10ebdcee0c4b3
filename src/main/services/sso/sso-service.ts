/**
 * IAM Identity Center (SSO) for the app and the CLI: sign in (authorization code with PKCE through a
 * loopback redirect on 127.0.0.1, as the AWS CLI v2 does by default; the device code when asked or
 * when no loopback port opens), tokens cached where and as the AWS CLI v2 caches them and refreshed
 * before they expire, sign out (Logout, then the cache file is removed), the accounts and roles the
 * session grants (every page), and role credentials from GetRoleCredentials, kept in memory until
 * shortly before they expire. No electron: the browser is a port (`openBrowser`), the clock another.
 *
 * Invariants: no token, client secret or role credential leaves this service except to the AWS SDK
 * (credentials go to the account source, which hands them to the SDK); every event and status is free
 * of secrets; ~/.aws/config and credentials are never written.
 */
import { createHash, randomUUID } from 'node:crypto'
import { AppError } from '../../../shared/result'
import type {
  SsoAccount,
  SsoAccountWithRoles,
  SsoEvent,
  SsoRole,
  SsoSessionList,
  SsoSessionRef,
  SsoSessionStatus,
  SsoSignInStarted
} from '../../../shared/sso'
import type { NetworkSettings } from '../../../shared/settings'
import type { RetryDeps, RetryPolicy } from '../aws/retry'
import { withRetries } from '../aws/retry'
import { withFileLock } from '../file-lock'
import { proxiesInUse } from '../network'
import { listenLoopback, type ListenLoopback, type LoopbackListener } from './loopback'
import { signInUrlProblem } from './open-url'
import { newPkce } from './pkce'
import type { SsoEndpoints, SsoSessionConfig, SsoSessions } from './sessions'
import { explainSsoError, SsoError, type SsoScope } from './sso-errors'
import type { SsoSdk } from './sso-sdk'
import { ssoProfileName } from './target-name'
import {
  parseTimestamp,
  registrationCacheKey,
  SsoTokenCache,
  utcTimestamp,
  type CachedRegistration,
  type CachedToken
} from './token-cache'

const loadSdk = (): Promise<SsoSdk> => import('./sso-sdk')

/** Time as the service sees it; tests pass a fake one so nothing waits for real. */
export interface SsoClock {
  now(): number
  /** Waits `ms`, or rejects with `signal.reason` when it aborts first. */
  sleep(ms: number, signal: AbortSignal): Promise<void>
}

export const systemSsoClock: SsoClock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason as Error)
      const onAbort = (): void => {
        clearTimeout(timer)
        reject(signal.reason as Error)
      }
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort)
        resolve()
      }, ms)
      signal.addEventListener('abort', onAbort, { once: true })
    })
}

export type {
  SsoAccount,
  SsoAccountWithRoles,
  SsoEvent,
  SsoRole,
  SsoSessionList,
  SsoSessionStatus,
  SsoSignInStarted
}

export interface SignInOptions {
  /** The device code flow instead of the authorization code. */
  useDeviceCode?: boolean
  /** Gives up after this long (default 10 minutes, as the AWS CLI v2). */
  timeoutMs?: number
  /** Aborting cancels the sign-in. */
  signal?: AbortSignal
  /** Told once the browser page is ready (before `sign-in-started` listeners). */
  onStarted?(started: SsoSignInStarted): void
}

export interface SsoServiceDeps {
  sessions: SsoSessions
  network: () => NetworkSettings
  env: NodeJS.ProcessEnv
  /** The app's data folder: locks for refreshing tokens across processes. */
  dataFolder: string
  /** Opens a sign-in page in the system browser (shell.openExternal in the app); absent: never opened. */
  openBrowser?: (url: string) => Promise<void>
  clock?: SsoClock
  retry: { policy: RetryPolicy; deps: RetryDeps }
  listen?: ListenLoopback
  /** Accounts and roles per page of ListAccounts / ListAccountRoles (AWS allows up to 100). */
  pageSize?: number
}

/** A token is renewed when less than this is left (botocore's window), and a fresh sign-in needed under it. */
const refreshWindowMs = 15 * 60_000
/** Role credentials are asked for again when less than this is left. */
const credentialsMarginMs = 5 * 60_000
/** Accounts and roles listed are reused this long. */
const listingTtlMs = 10 * 60_000
const defaultTimeoutMs = 10 * 60_000

interface Clients {
  oidc: InstanceType<SsoSdk['SSOOIDCClient']>
  portal: InstanceType<SsoSdk['SSOClient']>
  sdk: SsoSdk
  endpoints: SsoEndpoints
  proxies: string[]
}

interface RoleCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken: string
  expiration: Date
}

const sha = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 16)

/** AWS's SSO OIDC endpoint for a Region (the China partition's in cn- Regions). */
export function defaultOidcEndpoint(region: string): string {
  return `https://oidc.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`
}

/** The query of an authorization request as the AWS CLI v2 writes it (RFC 3986 encoding, challenge last). */
export function authorizeUrl(
  base: string,
  params: { clientId: string; redirectUri: string; state: string; scopes: string[]; challenge: string }
): string {
  const query = [
    ['response_type', 'code'],
    ['client_id', params.clientId],
    ['redirect_uri', params.redirectUri],
    ['state', params.state],
    ['code_challenge_method', 'S256'],
    ['scopes', params.scopes.join(' ')]
  ]
    .map(([k, v]) => `${k}=${encodeURIComponent(v ?? '')}`)
    .join('&')
  return `${base.replace(/\/+$/, '')}/authorize?${query}&code_challenge=${params.challenge}`
}

export class SsoService {
  private readonly clock: SsoClock
  private readonly listen: ListenLoopback
  private readonly listeners = new Set<(event: SsoEvent) => void>()
  private readonly signIns = new Map<string, AbortController>()
  private readonly clients = new Map<string, Promise<Clients>>()
  private readonly refreshing = new Map<string, Promise<CachedToken | undefined>>()
  /** When a renewal last failed, per token file: a token that still works is not renewed again for 30 s. */
  private readonly refreshFailedAt = new Map<string, number>()
  private readonly credentials = new Map<string, { value: Promise<RoleCredentials> }>()
  private readonly listings = new Map<string, { at: number; token: string; value: Promise<unknown> }>()
  /** Bumped at each sign-in and sign-out of a session, so clients built on its role credentials are rebuilt. */
  private readonly generations = new Map<string, number>()

  constructor(private readonly deps: SsoServiceDeps) {
    this.clock = deps.clock ?? systemSsoClock
    this.listen = deps.listen ?? listenLoopback
  }

  /** Listens to sign-in progress and session changes; returns the unsubscribe. */
  on(listener: (event: SsoEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private emit(event: SsoEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event)
      } catch {
        // A listener's failure is its own.
      }
    }
  }

  // ------------------------------------------------------------------ sessions

  /** Every named session and whether it is signed in, and what is wrong with some. No token is read out. */
  sessions(): SsoSessionList {
    const { sessions, problems } = this.deps.sessions.list()
    return { sessions: sessions.map((s) => this.statusOf(s)), problems }
  }

  /** The sign-in state of one session (or the session of a profile). */
  async status(ref: SsoSessionRef): Promise<SsoSessionStatus> {
    return this.statusOf(await this.deps.sessions.resolve(ref))
  }

  private statusOf(session: SsoSessionConfig): SsoSessionStatus {
    const token = this.cacheOf(session).readToken(this.cacheId(session))
    const expires = token ? parseTimestamp(token.expiresAt) : Number.NaN
    const refreshable = Boolean(
      token?.refreshToken &&
      token.clientId &&
      token.clientSecret &&
      parseTimestamp(token.registrationExpiresAt) > this.clock.now()
    )
    const signedIn = Boolean(token) && (expires > this.clock.now() || refreshable)
    return {
      session: session.id,
      source: session.source,
      startUrl: session.startUrl,
      region: session.region,
      profiles: session.profiles,
      signedIn,
      ...(token && Number.isFinite(expires) ? { expiresAt: new Date(expires).toISOString() } : {}),
      refreshable
    }
  }

  private cacheOf(session: SsoSessionConfig): SsoTokenCache {
    return new SsoTokenCache(session.cacheFolder)
  }

  /** The token file is named after the sso-session name, or (legacy) the start URL. */
  private cacheId(session: SsoSessionConfig): string {
    return session.sessionName ?? session.startUrl
  }

  private signInCommand(session: SsoSessionConfig): string {
    return session.sessionName
      ? `connect-provisioner login --sso-session ${session.sessionName}`
      : `connect-provisioner login --profile ${session.profiles[0] ?? ''}`
  }

  private async scope(session: SsoSessionConfig, host?: string): Promise<SsoScope> {
    return {
      session: session.id,
      region: session.region,
      startUrl: session.startUrl,
      proxies: proxiesInUse(this.deps.network(), this.deps.env),
      signInCommand: this.signInCommand(session),
      ...(host ? { host } : {})
    }
  }

  private async clientsFor(session: SsoSessionConfig): Promise<Clients> {
    const endpoints = await this.deps.sessions.endpoints(session)
    const network = this.deps.network()
    const key = `${session.id}|${session.region}|${JSON.stringify(endpoints)}|${JSON.stringify(network)}`
    let clients = this.clients.get(key)
    if (!clients) {
      clients = loadSdk().then((sdk) => {
        const requestHandler = sdk.createRequestHandler(network, undefined, this.deps.env)
        const common = {
          region: session.region,
          requestHandler,
          // Retries are the app's (withRetries); endpoints are resolved by the app from its own environment.
          maxAttempts: 1,
          ignoreConfiguredEndpointUrls: true
        }
        return {
          sdk,
          endpoints,
          proxies: proxiesInUse(network, this.deps.env),
          oidc: new sdk.SSOOIDCClient({ ...common, ...(endpoints.oidc ? { endpoint: endpoints.oidc } : {}) }),
          portal: new sdk.SSOClient({
            ...common,
            ...(endpoints.portal ? { endpoint: endpoints.portal } : {})
          })
        }
      })
      clients.catch(() => this.clients.delete(key))
      this.clients.set(key, clients)
    }
    return clients
  }

  private oidcHost(session: SsoSessionConfig, endpoints: SsoEndpoints): string {
    return new URL(endpoints.oidc ?? defaultOidcEndpoint(session.region)).host
  }

  private portalHost(session: SsoSessionConfig, endpoints: SsoEndpoints): string {
    const suffix = session.region.startsWith('cn-') ? '.cn' : ''
    return new URL(endpoints.portal ?? `https://portal.sso.${session.region}.amazonaws.com${suffix}`).host
  }

  // ------------------------------------------------------------------ sign-in

  /** Cancels a sign-in in progress (the dialog's Cancel); unknown IDs are ignored. */
  cancelSignIn(signInId: string): void {
    this.signIns.get(signInId)?.abort('cancelled')
  }

  /**
   * Signs in to a session (or a profile's), through the browser: the authorization code with PKCE on a
   * loopback redirect, or the device code (asked for, legacy start-URL profiles, or no loopback port).
   * Resolves once the token is cached; rejects with an SsoError saying what to do.
   */
  async signIn(ref: SsoSessionRef, options: SignInOptions = {}): Promise<SsoSessionStatus> {
    const session = await this.deps.sessions.resolve(ref)
    const signInId = randomUUID()
    const controller = new AbortController()
    this.signIns.set(signInId, controller)
    const timeoutMs = options.timeoutMs ?? defaultTimeoutMs
    const deadline = this.clock.now() + timeoutMs
    const timer = setTimeout(() => controller.abort('timeout'), timeoutMs)
    timer.unref?.()
    const onCancel = (): void => controller.abort('cancelled')
    options.signal?.addEventListener('abort', onCancel, { once: true })
    if (options.signal?.aborted) controller.abort('cancelled')
    let listener: LoopbackListener | undefined
    let scope = await this.scope(session)
    try {
      const clients = await this.clientsFor(session)
      scope = await this.scope(session, this.oidcHost(session, clients.endpoints))
      let fallback: string | undefined
      // As the AWS CLI v2: the authorization code for sso-sessions, the device code for legacy profiles.
      if (!options.useDeviceCode && session.sessionName) {
        try {
          listener = await this.listen()
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message
          fallback = `No loopback port could be opened on 127.0.0.1 (${code}): signing in with a device code instead.`
        }
      }
      const started = (
        details: Omit<SsoSignInStarted, 'signInId' | 'session' | 'browserOpened'>
      ): Promise<void> =>
        this.started(
          session,
          clients,
          { signInId, session: session.id, ...details, ...(fallback ? { fallback } : {}) },
          options
        )
      const token = listener
        ? await this.authorizationCode(session, clients, listener, controller.signal, deadline, started)
        : await this.deviceCode(session, clients, controller.signal, deadline, started)
      this.cacheOf(session).writeToken(this.cacheId(session), token)
      this.forgetSession(session.id)
      const status = this.statusOf(session)
      this.emit({ type: 'signed-in', signInId, status })
      this.emit({ type: 'session-changed', status })
      return status
    } catch (error) {
      const failure = controller.signal.aborted
        ? this.abortError(session, String(controller.signal.reason), timeoutMs)
        : explainSsoError(error, scope)
      this.emit({
        type: 'sign-in-failed',
        signInId,
        session: session.id,
        reason: failure.reason,
        error: failure.toData()
      })
      throw failure
    } finally {
      clearTimeout(timer)
      options.signal?.removeEventListener('abort', onCancel)
      listener?.close()
      this.signIns.delete(signInId)
    }
  }

  private abortError(session: SsoSessionConfig, reason: string, timeoutMs: number): SsoError {
    const details = { command: this.signInCommand(session) }
    if (reason === 'timeout') {
      const minutes = Math.max(1, Math.round(timeoutMs / 60_000))
      return new SsoError(
        'timeout',
        new AppError(
          'CREDENTIALS',
          `The sign-in to IAM Identity Center session "${session.id}" got no answer from the browser within ${minutes} minute${minutes === 1 ? '' : 's'}. Start it again.`,
          details
        )
      )
    }
    return new SsoError(
      'cancelled',
      new AppError(
        'CREDENTIALS',
        `The sign-in to IAM Identity Center session "${session.id}" was cancelled.`,
        details
      )
    )
  }

  /** Tells the admin where to go, and opens the page when it is an Identity Center page. */
  private async started(
    session: SsoSessionConfig,
    clients: Clients,
    details: Omit<SsoSignInStarted, 'browserOpened'>,
    options: SignInOptions
  ): Promise<void> {
    const loopbackOrigins = [clients.endpoints.oidc, session.startUrl]
      .filter((u): u is string => Boolean(u) && URL.canParse(u ?? ''))
      .map((u) => new URL(u).origin)
      .filter((origin) => origin.startsWith('http://'))
    let browserProblem = this.deps.openBrowser
      ? signInUrlProblem(details.url, { loopbackOrigins })
      : 'no browser here: open the page yourself'
    let browserOpened = false
    if (!browserProblem && this.deps.openBrowser) {
      try {
        await this.deps.openBrowser(details.url)
        browserOpened = true
      } catch (error) {
        browserProblem = `the browser could not be opened (${(error as Error).message.slice(0, 200)}): open the page yourself`
      }
    }
    const started: SsoSignInStarted = {
      ...details,
      browserOpened,
      ...(browserProblem ? { browserProblem } : {})
    }
    options.onStarted?.(started)
    this.emit({ type: 'sign-in-started', started })
  }

  /** The client registration for a flow: the cached one while it lasts (15 minutes' margin), else a new one. */
  private async registration(
    session: SsoSessionConfig,
    clients: Clients,
    flow: 'code' | 'device'
  ): Promise<CachedRegistration> {
    const cache = this.cacheOf(session)
    const key = registrationCacheKey({
      startUrl: session.startUrl,
      region: session.region,
      scopes: session.scopes,
      sessionName: session.sessionName,
      tool: 'connect-provisioner'
    })
    const cached = cache.readRegistration(key)
    const forCode = (r: CachedRegistration): boolean => r.grantTypes?.includes('authorization_code') ?? false
    if (
      cached &&
      parseTimestamp(cached.expiresAt) - this.clock.now() >= refreshWindowMs &&
      forCode(cached) === (flow === 'code')
    )
      return cached
    // Named sessions always ask for sso:account:access (a refresh token); legacy start URLs never did.
    const scopes = session.scopes ?? (session.sessionName ? ['sso:account:access'] : [])
    const clientName = `connect-provisioner-${session.sessionName ?? Math.floor(this.clock.now() / 1000)}`
    const command =
      flow === 'code'
        ? new clients.sdk.RegisterClientCommand({
            clientName,
            clientType: 'public',
            grantTypes: ['authorization_code', 'refresh_token'],
            redirectUris: ['http://127.0.0.1/oauth/callback'],
            issuerUrl: session.startUrl,
            scopes: scopes.length ? scopes : ['sso:account:access']
          })
        : new clients.sdk.RegisterClientCommand({
            clientName,
            clientType: 'public',
            ...(scopes.length ? { scopes } : {})
          })
    const response = await this.retrying(() => clients.oidc.send(command))
    const registration: CachedRegistration = {
      clientId: response.clientId ?? '',
      clientSecret: response.clientSecret ?? '',
      expiresAt: utcTimestamp((response.clientSecretExpiresAt ?? 0) * 1000),
      ...(command.input.scopes?.length ? { scopes: command.input.scopes } : {}),
      ...(flow === 'code' ? { grantTypes: ['authorization_code', 'refresh_token'] } : {})
    }
    cache.writeRegistration(key, registration)
    return registration
  }

  private async authorizationCode(
    session: SsoSessionConfig,
    clients: Clients,
    listener: LoopbackListener,
    signal: AbortSignal,
    deadline: number,
    started: (details: Omit<SsoSignInStarted, 'signInId' | 'session' | 'browserOpened'>) => Promise<void>
  ): Promise<CachedToken> {
    const registration = await this.registration(session, clients, 'code')
    const pkce = newPkce()
    const url = authorizeUrl(clients.endpoints.oidc ?? defaultOidcEndpoint(session.region), {
      clientId: registration.clientId,
      redirectUri: listener.redirectUri,
      state: pkce.state,
      scopes: registration.scopes ?? ['sso:account:access'],
      challenge: pkce.challenge
    })
    const waiting = listener.callback(pkce.state, signal)
    await started({ flow: 'authorization-code', url, expiresAt: new Date(deadline).toISOString() })
    const result = await waiting
    if ('error' in result) {
      throw Object.assign(new Error(result.description ?? result.error), {
        name: result.error === 'access_denied' ? 'AccessDeniedException' : 'InvalidRequestException',
        error_description: result.description ?? result.error
      })
    }
    const response = await clients.oidc.send(
      new clients.sdk.CreateTokenCommand({
        clientId: registration.clientId,
        clientSecret: registration.clientSecret,
        grantType: 'authorization_code',
        redirectUri: listener.redirectUri,
        codeVerifier: pkce.verifier,
        code: result.code
      }),
      { abortSignal: signal }
    )
    return this.tokenOf(session, registration, response)
  }

  private async deviceCode(
    session: SsoSessionConfig,
    clients: Clients,
    signal: AbortSignal,
    deadline: number,
    started: (details: Omit<SsoSignInStarted, 'signInId' | 'session' | 'browserOpened'>) => Promise<void>
  ): Promise<CachedToken> {
    const registration = await this.registration(session, clients, 'device')
    const authorization = await this.retrying(() =>
      clients.oidc.send(
        new clients.sdk.StartDeviceAuthorizationCommand({
          clientId: registration.clientId,
          clientSecret: registration.clientSecret,
          startUrl: session.startUrl
        })
      )
    )
    const codeExpires = this.clock.now() + (authorization.expiresIn ?? 600) * 1000
    const giveUp = Math.min(deadline, codeExpires)
    await started({
      flow: 'device-code',
      url: authorization.verificationUriComplete ?? authorization.verificationUri ?? '',
      ...(authorization.userCode ? { userCode: authorization.userCode } : {}),
      ...(authorization.verificationUri ? { verificationUri: authorization.verificationUri } : {}),
      expiresAt: new Date(giveUp).toISOString()
    })
    // RFC 8628: poll every `interval` seconds (5 when not given), 5 more after each slow_down.
    let interval = authorization.interval ?? 5
    for (;;) {
      await this.clock.sleep(interval * 1000, signal)
      if (this.clock.now() >= codeExpires)
        throw Object.assign(new Error('Device code has expired'), { name: 'ExpiredTokenException' })
      if (this.clock.now() >= deadline) throw Object.assign(new Error('timeout'), { name: 'Timeout' })
      try {
        const response = await clients.oidc.send(
          new clients.sdk.CreateTokenCommand({
            clientId: registration.clientId,
            clientSecret: registration.clientSecret,
            grantType: 'urn:ietf:params:oauth:grant-type:device_code',
            deviceCode: authorization.deviceCode
          }),
          { abortSignal: signal }
        )
        return this.tokenOf(session, registration, response)
      } catch (error) {
        const name = (error as Error).name
        if (name === 'SlowDownException') interval += 5
        else if (name !== 'AuthorizationPendingException') throw error
      }
    }
  }

  private tokenOf(
    session: SsoSessionConfig,
    registration: CachedRegistration,
    response: { accessToken?: string; expiresIn?: number; refreshToken?: string }
  ): CachedToken {
    return {
      startUrl: session.startUrl,
      region: session.region,
      accessToken: response.accessToken ?? '',
      expiresAt: utcTimestamp(this.clock.now() + (response.expiresIn ?? 0) * 1000),
      clientId: registration.clientId,
      clientSecret: registration.clientSecret,
      registrationExpiresAt: registration.expiresAt,
      ...(response.refreshToken ? { refreshToken: response.refreshToken } : {})
    }
  }

  private retrying<T>(call: () => Promise<T>): Promise<T> {
    return withRetries(this.deps.retry.policy, this.deps.retry.deps, call)
  }

  // ------------------------------------------------------------------ tokens

  /**
   * A valid access token of the session, renewed with its refresh token when less than 15 minutes are
   * left (under a lock shared with the app's other processes). Main-process use only.
   */
  private async accessToken(session: SsoSessionConfig): Promise<string> {
    const cache = this.cacheOf(session)
    const id = this.cacheId(session)
    const token = cache.readToken(id)
    const scope = await this.scope(session)
    const notSignedIn = (why: string): SsoError =>
      new SsoError(
        'session-ended',
        new AppError('CREDENTIALS', `${why} Sign in (${scope.signInCommand}).`, {
          command: scope.signInCommand
        })
      )
    if (!token) throw notSignedIn(`You are not signed in to IAM Identity Center session "${session.id}".`)
    const expires = parseTimestamp(token.expiresAt)
    if (expires - this.clock.now() > refreshWindowMs) return token.accessToken
    const key = `${session.cacheFolder}|${id}`
    const failedAt = this.refreshFailedAt.get(key)
    if (failedAt !== undefined && this.clock.now() - failedAt < 30_000 && expires > this.clock.now())
      return token.accessToken
    const refreshed = await this.refresh(session, token).catch((error: unknown) => {
      this.refreshFailedAt.set(key, this.clock.now())
      if (expires > this.clock.now()) return undefined // still usable: the refresh can wait
      throw error
    })
    if (refreshed) this.refreshFailedAt.delete(key)
    if (refreshed) return refreshed.accessToken
    if (expires > this.clock.now()) return token.accessToken
    throw notSignedIn(`The IAM Identity Center session "${session.id}" has expired.`)
  }

  /** Renews the token with its refresh token; undefined when it cannot be renewed (no refresh token). */
  private refresh(session: SsoSessionConfig, token: CachedToken): Promise<CachedToken | undefined> {
    const key = `${session.cacheFolder}|${this.cacheId(session)}`
    let running = this.refreshing.get(key)
    if (!running) {
      running = withFileLock(this.deps.dataFolder, `sso-refresh|${key}`, () =>
        this.refreshLocked(session, token)
      ).finally(() => this.refreshing.delete(key))
      this.refreshing.set(key, running)
    }
    return running
  }

  private async refreshLocked(
    session: SsoSessionConfig,
    seen: CachedToken
  ): Promise<CachedToken | undefined> {
    const cache = this.cacheOf(session)
    const id = this.cacheId(session)
    // Another process (the CLI, another app window) may have renewed it meanwhile.
    const current = cache.readToken(id) ?? seen
    if (
      current.accessToken !== seen.accessToken &&
      parseTimestamp(current.expiresAt) - this.clock.now() > refreshWindowMs
    )
      return current
    const { refreshToken, clientId, clientSecret, registrationExpiresAt } = current
    if (
      !refreshToken ||
      !clientId ||
      !clientSecret ||
      !(parseTimestamp(registrationExpiresAt) > this.clock.now())
    )
      return undefined
    const clients = await this.clientsFor(session)
    try {
      const response = await this.retrying(() =>
        clients.oidc.send(
          new clients.sdk.CreateTokenCommand({
            clientId,
            clientSecret,
            grantType: 'refresh_token',
            refreshToken
          })
        )
      )
      const renewed: CachedToken = {
        ...current,
        accessToken: response.accessToken ?? '',
        expiresAt: utcTimestamp(this.clock.now() + (response.expiresIn ?? 0) * 1000),
        refreshToken: response.refreshToken ?? refreshToken
      }
      cache.writeToken(id, renewed)
      this.emit({ type: 'session-changed', status: this.statusOf(session) })
      return renewed
    } catch (error) {
      throw explainSsoError(error, await this.scope(session, this.oidcHost(session, clients.endpoints)))
    }
  }

  /**
   * Renews the token of an SSO profile's session if it is about to expire, so the SDK's own providers
   * (fromIni → fromSSO), which read the same file, find a fresh one. Never throws: when nothing can be
   * done, the SDK says what is wrong.
   */
  async prepareProfile(profile: string): Promise<void> {
    try {
      const session = this.deps.sessions.ofProfile(profile)
      if (session.sessionName) await this.accessToken(session)
    } catch {
      // The SDK's provider reports it, with the sign-in command.
    }
  }

  /** The command that signs an SSO profile in, for error messages (the app's Sign in does the same). */
  signInCommandFor(profile: string): string {
    return `connect-provisioner login --profile ${profile}`
  }

  // ------------------------------------------------------------------ sign-out

  /**
   * Signs out: Logout (ends the session at Identity Center) and the cache file removed, as `aws sso
   * logout` does. The file goes even when Logout cannot be reached; `loggedOut` says whether it was.
   */
  async signOut(
    ref: SsoSessionRef
  ): Promise<{ status: SsoSessionStatus; removed: boolean; loggedOut: boolean }> {
    const session = await this.deps.sessions.resolve(ref)
    const cache = this.cacheOf(session)
    const token = cache.readToken(this.cacheId(session))
    let loggedOut = false
    if (token && parseTimestamp(token.expiresAt) > this.clock.now()) {
      try {
        const clients = await this.clientsFor(session)
        await this.retrying(() =>
          clients.portal.send(new clients.sdk.LogoutCommand({ accessToken: token.accessToken }))
        )
        loggedOut = true
      } catch (error) {
        loggedOut = (error as Error).name === 'UnauthorizedException' // already ended there
      }
    }
    const removed = cache.deleteToken(this.cacheId(session))
    this.forgetSession(session.id)
    const status = this.statusOf(session)
    this.emit({ type: 'session-changed', status })
    return { status, removed, loggedOut }
  }

  /** Changes whenever the session is signed in or out: AWS clients using its roles are then rebuilt. */
  generation(session: string): number {
    return this.generations.get(session) ?? 0
  }

  /** Drops what is kept in memory for a session (listings and role credentials). */
  private forgetSession(id: string): void {
    this.generations.set(id, this.generation(id) + 1)
    for (const key of [...this.listings.keys()]) if (key.startsWith(`${id}|`)) this.listings.delete(key)
    for (const key of [...this.credentials.keys()]) if (key.startsWith(`${id}|`)) this.credentials.delete(key)
  }

  // ------------------------------------------------------------------ accounts and roles

  private async listing<T>(
    session: SsoSessionConfig,
    key: string,
    refresh: boolean,
    load: (token: string, clients: Clients) => Promise<T>
  ): Promise<T> {
    const token = await this.accessToken(session)
    const fullKey = `${session.id}|${key}`
    const hit = this.listings.get(fullKey)
    if (!refresh && hit && hit.token === sha(token) && this.clock.now() - hit.at < listingTtlMs)
      return hit.value as Promise<T>
    const clients = await this.clientsFor(session)
    const scope = await this.scope(session, this.portalHost(session, clients.endpoints))
    const value = load(token, clients).catch((error: unknown) => {
      this.listings.delete(fullKey)
      throw explainSsoError(error, scope)
    })
    this.listings.set(fullKey, { at: this.clock.now(), token: sha(token), value })
    return value
  }

  /** Every account the session grants (every page of ListAccounts), by name. NOT_FOUND when there is none. */
  async accounts(sessionName: string, options: { refresh?: boolean } = {}): Promise<SsoAccount[]> {
    const session = await this.deps.sessions.resolve({ session: sessionName })
    const accounts = await this.listing(
      session,
      'accounts',
      options.refresh ?? false,
      async (accessToken, clients) => {
        const found: SsoAccount[] = []
        let nextToken: string | undefined
        do {
          const page = await this.retrying(() =>
            clients.portal.send(
              new clients.sdk.ListAccountsCommand({
                accessToken,
                maxResults: this.deps.pageSize ?? 100,
                ...(nextToken ? { nextToken } : {})
              })
            )
          )
          for (const a of page.accountList ?? [])
            found.push({
              accountId: a.accountId ?? '',
              accountName: a.accountName ?? a.accountId ?? '',
              ...(a.emailAddress ? { emailAddress: a.emailAddress } : {})
            })
          nextToken = page.nextToken
        } while (nextToken)
        return found.sort(
          (a, b) => a.accountName.localeCompare(b.accountName) || a.accountId.localeCompare(b.accountId)
        )
      }
    )
    if (accounts.length === 0) {
      throw new SsoError(
        'no-access',
        new AppError(
          'NOT_FOUND',
          `IAM Identity Center session "${session.id}" grants you no AWS account: ask your administrator to assign you a permission set in the accounts you manage Connect in.`
        )
      )
    }
    return accounts
  }

  /** The roles the session grants in one account (every page of ListAccountRoles). NOT_FOUND when none. */
  async roles(
    sessionName: string,
    accountId: string,
    options: { refresh?: boolean } = {}
  ): Promise<SsoRole[]> {
    const session = await this.deps.sessions.resolve({ session: sessionName })
    const roles = await this.listing(
      session,
      `roles|${accountId}`,
      options.refresh ?? false,
      async (accessToken, clients) => {
        const found: SsoRole[] = []
        let nextToken: string | undefined
        do {
          const page = await this.retrying(() =>
            clients.portal.send(
              new clients.sdk.ListAccountRolesCommand({
                accessToken,
                accountId,
                maxResults: this.deps.pageSize ?? 100,
                ...(nextToken ? { nextToken } : {})
              })
            )
          )
          for (const r of page.roleList ?? []) {
            const roleName = r.roleName ?? ''
            found.push({
              accountId,
              roleName,
              profile: ssoProfileName({ session: session.id, accountId, roleName })
            })
          }
          nextToken = page.nextToken
        } while (nextToken)
        return found.sort((a, b) => a.roleName.localeCompare(b.roleName))
      }
    )
    if (roles.length === 0) {
      throw new SsoError(
        'no-access',
        new AppError(
          'NOT_FOUND',
          `IAM Identity Center session "${session.id}" grants you no role in account ${accountId}: ask your administrator for a permission set there.`
        )
      )
    }
    return roles
  }

  /** Every account with its roles (roles asked four accounts at a time). */
  async accountsWithRoles(
    sessionName: string,
    options: { refresh?: boolean } = {}
  ): Promise<SsoAccountWithRoles[]> {
    const accounts = await this.accounts(sessionName, options)
    const result: SsoAccountWithRoles[] = []
    for (let i = 0; i < accounts.length; i += 4) {
      const batch = accounts.slice(i, i + 4)
      const roles = await Promise.all(
        batch.map((a) =>
          this.roles(sessionName, a.accountId, options).catch((error: unknown) => {
            if (error instanceof SsoError && error.reason === 'no-access') return []
            throw error
          })
        )
      )
      batch.forEach((a, n) => result.push({ ...a, roles: roles[n] ?? [] }))
    }
    return result
  }

  /**
   * Role credentials (GetRoleCredentials), kept in memory until five minutes before they expire.
   * Main-process use only: they go to the AWS SDK, never to the window.
   */
  async roleCredentials(sessionName: string, accountId: string, roleName: string): Promise<RoleCredentials> {
    const key = `${sessionName}|${accountId}|${roleName}`
    const hit = this.credentials.get(key)
    if (hit) {
      const value = await hit.value.catch(() => undefined)
      if (value && value.expiration.getTime() - this.clock.now() > credentialsMarginMs) return value
      if (this.credentials.get(key) === hit) this.credentials.delete(key)
    }
    const value = (async (): Promise<RoleCredentials> => {
      const session = await this.deps.sessions.resolve({ session: sessionName })
      const accessToken = await this.accessToken(session)
      const clients = await this.clientsFor(session)
      try {
        const { roleCredentials: c } = await this.retrying(() =>
          clients.portal.send(new clients.sdk.GetRoleCredentialsCommand({ accessToken, accountId, roleName }))
        )
        if (!c?.accessKeyId || !c.secretAccessKey || !c.sessionToken || !c.expiration)
          throw new AppError('INTERNAL', 'IAM Identity Center returned incomplete role credentials.')
        return {
          accessKeyId: c.accessKeyId,
          secretAccessKey: c.secretAccessKey,
          sessionToken: c.sessionToken,
          expiration: new Date(c.expiration)
        }
      } catch (error) {
        throw explainSsoError(error, await this.scope(session, this.portalHost(session, clients.endpoints)))
      }
    })()
    const entry = { value }
    this.credentials.set(key, entry)
    value.catch(() => {
      if (this.credentials.get(key) === entry) this.credentials.delete(key)
    })
    return value
  }
}
