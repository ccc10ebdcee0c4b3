/**
 * IAM Identity Center as the Sandbox serves it, on the Sandbox's own port and without SigV4 (the real
 * services are unsigned too):
 *
 * - SSO OIDC (restJson1, service `sso-oauth`): RegisterClient, StartDeviceAuthorization, CreateToken
 *   with the device_code, authorization_code (PKCE, S256) and refresh_token grants; errors as
 *   `{ error, error_description }` with the type in `x-amzn-ErrorType`.
 * - The AWS access portal API (service `portal.sso`, bearer token in `x-amz-sso_bearer_token`):
 *   ListAccounts, ListAccountRoles, GetRoleCredentials, Logout; errors as `{ message }`.
 * - The browser pages: `/start` (the start URL), `/device` (device verification) and `/authorize`
 *   (authorization-code sign-in), where a person — or a test — picks a user and allows or denies.
 *
 * Role credentials are ordinary Sandbox sessions, so they work against its Connect and STS APIs.
 * Clients, codes and tokens live in memory only: a restarted Sandbox has forgotten every sign-in.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { IncomingHttpHeaders } from 'node:http'
import { ServiceError } from './errors'
import {
  authorizePage,
  devicePage,
  messagePage,
  pageHeaders,
  portalPage,
  renderPage,
  type Page,
  type PageUser
} from './sso-pages'
import type { IdentityCenterSeed } from './sso-seed'
import type { SandboxState } from './state'

/** A request as the Identity Center sees it. */
export interface SsoRequest {
  method: string
  url: URL
  headers: IncomingHttpHeaders
  body: Buffer
}

/** Its answer. */
export interface SsoResponse {
  status: number
  headers: Record<string, string>
  body: string
}

export const deviceCodeGrant = 'urn:ietf:params:oauth:grant-type:device_code'
const grantTypes = new Set(['authorization_code', 'refresh_token', deviceCodeGrant])

interface Client {
  clientId: string
  clientSecret: string
  clientName: string
  scopes: string[]
  /** Undefined: registered without grant types (the device flow's registration). */
  grantTypes?: string[]
  redirectUris: string[]
  issuerUrl?: string
  expiresAt: number
}

interface DeviceAuthorization {
  clientId: string
  userCode: string
  expiresAt: number
  /** Seconds the client must wait between polls; grows by 5 with each SlowDownException. */
  interval: number
  lastPollAt?: number
  status: 'pending' | 'approved' | 'denied'
  userName?: string
}

interface AuthorizationRequest {
  clientId: string
  redirectUri: string
  state: string
  challenge: string
  scopes: string[]
  expiresAt: number
}

interface AuthorizationCode extends Omit<AuthorizationRequest, 'state'> {
  userName: string
}

interface SignInSession {
  userName: string
  expiresAt: number
  revoked: boolean
}

interface Token {
  sessionId: string
  clientId: string
  scopes: string[]
  expiresAt: number
}

/** OIDC error types, their OAuth `error` code and HTTP status. */
const oidcErrors = {
  AccessDeniedException: ['access_denied', 400],
  AuthorizationPendingException: ['authorization_pending', 400],
  ExpiredTokenException: ['expired_token', 400],
  InvalidClientException: ['invalid_client', 401],
  InvalidClientMetadataException: ['invalid_client_metadata', 400],
  InvalidGrantException: ['invalid_grant', 400],
  InvalidRedirectUriException: ['invalid_redirect_uri', 400],
  InvalidRequestException: ['invalid_request', 400],
  InvalidScopeException: ['invalid_scope', 400],
  SlowDownException: ['slow_down', 400],
  UnauthorizedClientException: ['unauthorized_client', 400],
  UnsupportedGrantTypeException: ['unsupported_grant_type', 400]
} as const
type OidcErrorType = keyof typeof oidcErrors

/** An SSO OIDC error: answered as `{ error, error_description }`. */
class OidcError extends ServiceError {
  readonly oauthCode: string
  constructor(type: OidcErrorType, description: string) {
    const [oauthCode, status] = oidcErrors[type]
    super(status, type, description)
    this.oauthCode = oauthCode
  }
}

/** A portal error: answered as `{ message }`. */
const portalError = (status: number, type: string, message: string): ServiceError =>
  new ServiceError(status, type, message)
const unauthorized = (): ServiceError =>
  portalError(401, 'UnauthorizedException', 'Session token not found or invalid')

/** The routes the Identity Center answers (checked before any SigV4 authentication). */
const routes: Array<{ method: string; path: string; operation: string }> = [
  { method: 'POST', path: '/client/register', operation: 'RegisterClient' },
  { method: 'POST', path: '/device_authorization', operation: 'StartDeviceAuthorization' },
  { method: 'POST', path: '/token', operation: 'CreateToken' },
  { method: 'GET', path: '/assignment/accounts', operation: 'ListAccounts' },
  { method: 'GET', path: '/assignment/roles', operation: 'ListAccountRoles' },
  { method: 'GET', path: '/federation/credentials', operation: 'GetRoleCredentials' },
  { method: 'POST', path: '/logout', operation: 'Logout' },
  { method: 'GET', path: '/authorize', operation: 'AuthorizePage' },
  { method: 'POST', path: '/authorize', operation: 'AuthorizeDecision' },
  { method: 'GET', path: '/device', operation: 'DevicePage' },
  { method: 'POST', path: '/device', operation: 'DeviceDecision' },
  { method: 'GET', path: '/start', operation: 'PortalPage' },
  { method: 'GET', path: '/start/', operation: 'PortalPage' }
]

/** The Identity Center operation (or page) of a request, or undefined when it is not one. */
export function ssoOperation(method: string, url: URL): string | undefined {
  // CreateTokenWithIAM (`/token?aws_iam=t`) is SigV4-signed and not emulated: it falls through to Connect's 404.
  if (url.pathname === '/token' && url.searchParams.has('aws_iam')) return undefined
  return routes.find((r) => r.method === method && r.path === url.pathname)?.operation
}

const secret = (prefix: string, bytes: number): string =>
  `${prefix}${randomBytes(bytes).toString('base64url')}`

const base64url = (buffer: Buffer): string => buffer.toString('base64url')

/** `XXXX-XXXX` from letters that cannot be confused (no 0/O, 1/I). */
function newUserCode(): string {
  const letters = 'BCDFGHJKLMNPQRSTVWXZ'
  const bytes = randomBytes(8)
  const chars = [...bytes].map((b) => letters[b % letters.length] ?? 'B')
  return `${chars.slice(0, 4).join('')}-${chars.slice(4).join('')}`
}

const normalizeUserCode = (code: string): string =>
  code
    .trim()
    .toUpperCase()
    .replace(/[^A-Z]/g, '')

/**
 * The Sandbox's Identity Center: everything a sign-in creates, and the operations over it. Times come
 * from `now` (epoch milliseconds), so tests can move a fake clock past expiries instead of waiting.
 */
export class IdentityCenter {
  private readonly clients = new Map<string, Client>()
  private readonly devices = new Map<string, DeviceAuthorization>()
  private readonly deviceByUserCode = new Map<string, string>()
  private readonly requests = new Map<string, AuthorizationRequest>()
  private readonly codes = new Map<string, AuthorizationCode>()
  private readonly sessions = new Map<string, SignInSession>()
  private readonly accessTokens = new Map<string, Token>()
  private readonly refreshTokens = new Map<string, Token>()
  private slowDowns = 0

  constructor(
    private readonly seed: IdentityCenterSeed | undefined,
    private readonly state: SandboxState,
    /** The Sandbox's URL once it listens (`http://127.0.0.1:PORT`). */
    private readonly baseUrl: () => string,
    private readonly now: () => number = Date.now
  ) {}

  /** The start URL of this Identity Center: `<Sandbox URL>/start`. */
  startUrl(): string {
    return `${this.baseUrl()}/start`
  }

  /** The Identity Center's home Region, if the seed has one. */
  region(): string | undefined {
    return this.seed?.region
  }

  /** Tests: the next `count` device-code polls are answered SlowDownException, however slow they are (0 stops it). */
  slowDownNext(count = 1): void {
    this.slowDowns = count
  }

  /** Tests and docs: the users the sign-in pages offer. */
  users(): PageUser[] {
    return (this.seed?.users ?? []).map(({ userName, displayName }) => ({ userName, displayName }))
  }

  /**
   * Approves (or denies) a pending device authorization by its user code, as the verification page
   * does: for tests that do not drive the page.
   */
  decideDevice(userCode: string, decision: 'allow' | 'deny', userName = this.users()[0]?.userName): void {
    const device = this.deviceFor(userCode)
    if (!device) throw new Error(`No pending device authorization with code ${userCode}.`)
    this.decide(device, decision, userName ?? '')
  }

  /** Answers one request (see `ssoOperation`). */
  handle(operation: string, req: SsoRequest): SsoResponse {
    try {
      switch (operation) {
        case 'PortalPage':
          return page(portalPage(this.seed?.accounts.length ?? 0))
        case 'DevicePage':
          return page(devicePage(this.users(), req.url.searchParams.get('user_code') ?? ''))
        case 'DeviceDecision':
          return this.deviceDecision(form(req.body))
        case 'AuthorizePage':
          return this.authorizePage(req.url.searchParams)
        case 'AuthorizeDecision':
          return this.authorizeDecision(form(req.body))
      }
      if (!this.seed) {
        throw operation.startsWith('List') || operation === 'GetRoleCredentials' || operation === 'Logout'
          ? unauthorized()
          : new OidcError(
              'InvalidRequestException',
              'This Sandbox has no IAM Identity Center: add identityCenter to its seed.'
            )
      }
      const result = this.run(operation, req, this.seed)
      return json(200, result)
    } catch (error) {
      if (error instanceof OidcError) {
        return json(
          error.status,
          { error: error.oauthCode, error_description: error.message },
          { 'x-amzn-errortype': error.type }
        )
      }
      if (error instanceof ServiceError) {
        return json(error.status, { message: error.message }, { 'x-amzn-errortype': error.type })
      }
      throw error
    }
  }

  private run(operation: string, req: SsoRequest, seed: IdentityCenterSeed): unknown {
    switch (operation) {
      case 'RegisterClient':
        return this.registerClient(oidcBody(req.body), seed)
      case 'StartDeviceAuthorization':
        return this.startDeviceAuthorization(oidcBody(req.body), seed)
      case 'CreateToken':
        return this.createToken(oidcBody(req.body), seed)
      case 'ListAccounts':
        return this.listAccounts(req, seed)
      case 'ListAccountRoles':
        return this.listAccountRoles(req, seed)
      case 'GetRoleCredentials':
        return this.getRoleCredentials(req, seed)
      case 'Logout':
        return this.logout(req)
      default:
        throw new OidcError('InvalidRequestException', `Unknown operation ${operation}.`)
    }
  }

  // ---------------------------------------------------------------- SSO OIDC

  private registerClient(body: Record<string, unknown>, seed: IdentityCenterSeed): unknown {
    const clientName = str(body, 'clientName', true)
    const clientType = str(body, 'clientType', true)
    if (clientType !== 'public')
      throw new OidcError('InvalidClientMetadataException', `Invalid client type: ${clientType}`)
    const scopes = list(body, 'scopes')
    const grants = body['grantTypes'] === undefined ? undefined : list(body, 'grantTypes')
    const redirectUris = list(body, 'redirectUris')
    const issuerUrl = str(body, 'issuerUrl')
    for (const scope of scopes) {
      if (!/^sso:account:access$|^codewhisperer:|^sso:/.test(scope))
        throw new OidcError('InvalidScopeException', `Invalid scope: ${scope}`)
    }
    for (const grant of grants ?? []) {
      if (!grantTypes.has(grant))
        throw new OidcError('InvalidClientMetadataException', `Invalid grant type: ${grant}`)
    }
    if (grants?.includes('authorization_code')) {
      if (redirectUris.length === 0)
        throw new OidcError(
          'InvalidRedirectUriException',
          'redirectUris is required for the authorization_code grant'
        )
      if (!issuerUrl)
        throw new OidcError(
          'InvalidRequestException',
          'issuerUrl is required for the authorization_code grant'
        )
    }
    for (const uri of redirectUris) {
      const parsed = URL.canParse(uri) ? new URL(uri) : undefined
      const loopback =
        parsed?.protocol === 'http:' && ['127.0.0.1', '[::1]', 'localhost'].includes(parsed.hostname)
      if (!parsed || (!loopback && parsed.protocol !== 'https:'))
        throw new OidcError('InvalidRedirectUriException', `Invalid redirect URI: ${uri}`)
    }
    if (issuerUrl !== undefined && !this.isStartUrl(issuerUrl))
      throw new OidcError('InvalidRequestException', `Invalid issuer URL: ${issuerUrl}`)
    const now = this.now()
    const client: Client = {
      clientId: secret('', 16),
      clientSecret: secret('eyJraWQiOiJzYW5kYm94In0.', 96),
      clientName,
      scopes,
      ...(grants ? { grantTypes: grants } : {}),
      redirectUris,
      ...(issuerUrl ? { issuerUrl } : {}),
      expiresAt: now + seed.clientSecretSeconds * 1000
    }
    this.clients.set(client.clientId, client)
    return {
      clientId: client.clientId,
      clientSecret: client.clientSecret,
      clientIdIssuedAt: Math.floor(now / 1000),
      clientSecretExpiresAt: Math.floor(client.expiresAt / 1000)
    }
  }

  /** The client named by `clientId` whose secret is `clientSecret`, still registered. */
  private client(body: Record<string, unknown>): Client {
    const clientId = str(body, 'clientId', true)
    const clientSecret = str(body, 'clientSecret', true)
    const client = this.clients.get(clientId)
    if (!client || client.clientSecret !== clientSecret)
      throw new OidcError('InvalidClientException', 'Invalid client')
    if (client.expiresAt <= this.now()) throw new OidcError('InvalidClientException', 'Client secret expired')
    return client
  }

  private startDeviceAuthorization(body: Record<string, unknown>, seed: IdentityCenterSeed): unknown {
    const client = this.client(body)
    const startUrl = str(body, 'startUrl', true)
    if (!this.isStartUrl(startUrl))
      throw new OidcError('InvalidRequestException', `Invalid start URL: ${startUrl}`)
    if (client.grantTypes && !client.grantTypes.includes(deviceCodeGrant))
      throw new OidcError('UnauthorizedClientException', 'Client is not registered for the device code grant')
    const deviceCode = secret('', 64)
    let userCode = newUserCode()
    while (this.deviceByUserCode.has(normalizeUserCode(userCode))) userCode = newUserCode()
    const expiresIn = seed.authorizationSeconds
    this.devices.set(deviceCode, {
      clientId: client.clientId,
      userCode,
      expiresAt: this.now() + expiresIn * 1000,
      interval: 1,
      status: 'pending'
    })
    this.deviceByUserCode.set(normalizeUserCode(userCode), deviceCode)
    const verificationUri = `${this.baseUrl()}/device`
    return {
      deviceCode,
      userCode,
      verificationUri,
      verificationUriComplete: `${verificationUri}?user_code=${userCode}`,
      expiresIn,
      interval: 1
    }
  }

  private createToken(body: Record<string, unknown>, seed: IdentityCenterSeed): unknown {
    const client = this.client(body)
    const grantType = str(body, 'grantType', true)
    if (!grantTypes.has(grantType))
      throw new OidcError('UnsupportedGrantTypeException', `Unsupported grant type: ${grantType}`)
    if (client.grantTypes && !client.grantTypes.includes(grantType) && grantType !== deviceCodeGrant)
      throw new OidcError(
        'UnauthorizedClientException',
        `Client is not registered for the ${grantType} grant`
      )
    if (grantType === deviceCodeGrant) return this.deviceToken(client, str(body, 'deviceCode', true), seed)
    if (grantType === 'authorization_code') return this.codeToken(client, body, seed)
    return this.refresh(client, str(body, 'refreshToken', true), seed)
  }

  private deviceToken(client: Client, deviceCode: string, seed: IdentityCenterSeed): unknown {
    const device = this.devices.get(deviceCode)
    if (!device || device.clientId !== client.clientId)
      throw new OidcError('InvalidGrantException', 'Invalid device code provided')
    const now = this.now()
    if (device.expiresAt <= now) {
      this.forgetDevice(deviceCode)
      throw new OidcError('ExpiredTokenException', 'Device code has expired')
    }
    if (device.status === 'denied') {
      this.forgetDevice(deviceCode)
      throw new OidcError('AccessDeniedException', 'The user denied the authorization request')
    }
    const tooSoon = device.lastPollAt !== undefined && now - device.lastPollAt < device.interval * 1000
    device.lastPollAt = now
    if (this.slowDowns > 0 || (tooSoon && device.status === 'pending')) {
      if (this.slowDowns > 0) this.slowDowns--
      device.interval += 5
      throw new OidcError('SlowDownException', 'Client is polling too quickly')
    }
    if (device.status === 'pending')
      throw new OidcError('AuthorizationPendingException', 'Authorization is still pending')
    this.forgetDevice(deviceCode)
    return this.issue(client, device.userName ?? '', client.scopes, seed)
  }

  private codeToken(client: Client, body: Record<string, unknown>, seed: IdentityCenterSeed): unknown {
    const code = str(body, 'code', true)
    const verifier = str(body, 'codeVerifier', true)
    const redirectUri = str(body, 'redirectUri', true)
    const grant = this.codes.get(code)
    this.codes.delete(code) // one use, whatever happens
    if (!grant || grant.clientId !== client.clientId)
      throw new OidcError('InvalidGrantException', 'Invalid authorization code provided')
    if (grant.expiresAt <= this.now())
      throw new OidcError('ExpiredTokenException', 'Authorization code has expired')
    if (grant.redirectUri !== redirectUri)
      throw new OidcError('InvalidGrantException', 'Redirect URI does not match the authorization request')
    const challenge = base64url(createHash('sha256').update(verifier).digest())
    if (challenge !== grant.challenge.replace(/=+$/, ''))
      throw new OidcError('InvalidGrantException', 'Code verifier does not match the code challenge')
    return this.issue(client, grant.userName, grant.scopes, seed)
  }

  private refresh(client: Client, refreshToken: string, seed: IdentityCenterSeed): unknown {
    const token = this.refreshTokens.get(refreshToken)
    const session = token ? this.sessions.get(token.sessionId) : undefined
    if (!token || !session || token.clientId !== client.clientId || session.revoked)
      throw new OidcError('InvalidGrantException', 'Invalid refresh token provided')
    if (session.expiresAt <= this.now()) {
      this.refreshTokens.delete(refreshToken)
      throw new OidcError('InvalidGrantException', 'The sign-in session has expired: sign in again')
    }
    // Refresh tokens are rotated: the one just used is spent.
    this.refreshTokens.delete(refreshToken)
    return this.issue(client, session.userName, token.scopes, seed, token.sessionId)
  }

  /** Access (and, for a client registered with scopes, refresh) tokens for a sign-in session. */
  private issue(
    client: Client,
    userName: string,
    scopes: string[],
    seed: IdentityCenterSeed,
    existingSession?: string
  ): unknown {
    const now = this.now()
    const sessionId = existingSession ?? randomUUID()
    if (!existingSession)
      this.sessions.set(sessionId, { userName, expiresAt: now + seed.sessionSeconds * 1000, revoked: false })
    const session = this.sessions.get(sessionId)
    const expiresIn = Math.max(
      1,
      Math.min(seed.accessTokenSeconds, Math.floor(((session?.expiresAt ?? now) - now) / 1000))
    )
    const accessToken = secret('aoa', 160)
    const token: Token = { sessionId, clientId: client.clientId, scopes, expiresAt: now + expiresIn * 1000 }
    this.accessTokens.set(accessToken, token)
    const result: Record<string, unknown> = { accessToken, tokenType: 'Bearer', expiresIn }
    if (scopes.length > 0) {
      const refreshToken = secret('aor', 160)
      this.refreshTokens.set(refreshToken, token)
      result['refreshToken'] = refreshToken
    }
    return result
  }

  // ---------------------------------------------------------------- pages

  private deviceFor(userCode: string): DeviceAuthorization | undefined {
    const code = this.deviceByUserCode.get(normalizeUserCode(userCode))
    const device = code ? this.devices.get(code) : undefined
    return device && device.status === 'pending' && device.expiresAt > this.now() ? device : undefined
  }

  private decide(device: DeviceAuthorization, decision: string, userName: string): void {
    if (decision === 'deny') {
      device.status = 'denied'
      return
    }
    if (!this.seed?.users.some((u) => u.userName === userName)) throw new Error(`No user named ${userName}.`)
    device.status = 'approved'
    device.userName = userName
  }

  private deviceDecision(fields: URLSearchParams): SsoResponse {
    const userCode = fields.get('user_code') ?? ''
    const device = this.deviceFor(userCode)
    if (!device)
      return page(
        devicePage(this.users(), userCode, 'That code is not valid or has expired. Start the sign-in again.')
      )
    const decision = fields.get('decision') === 'deny' ? 'deny' : 'allow'
    const userName = fields.get('username') ?? ''
    if (decision === 'allow' && !this.seed?.users.some((u) => u.userName === userName))
      return page(devicePage(this.users(), userCode, 'Pick a user to sign in as.'))
    this.decide(device, decision, userName)
    return page(
      decision === 'deny'
        ? messagePage(200, 'Request denied', 'You denied access. You can close this window.')
        : messagePage(200, 'Request approved', 'You can close this window and return to the application.')
    )
  }

  private authorizePage(query: URLSearchParams): SsoResponse {
    const client = this.clients.get(query.get('client_id') ?? '')
    const redirectUri = query.get('redirect_uri') ?? ''
    if (!client || client.expiresAt <= this.now())
      return page(messagePage(400, 'Sign-in failed', 'The application is not registered (invalid client).'))
    if (!client.grantTypes?.includes('authorization_code'))
      return page(
        messagePage(
          400,
          'Sign-in failed',
          'The application is not registered for the authorization code grant.'
        )
      )
    if (!this.redirectAllowed(client, redirectUri))
      return page(
        messagePage(400, 'Sign-in failed', 'The redirect URI is not registered for this application.')
      )
    const state = query.get('state') ?? ''
    const fail = (error: string, description: string): SsoResponse =>
      redirect(redirectUri, { error, error_description: description, state })
    if (query.get('response_type') !== 'code')
      return fail('unsupported_response_type', 'response_type must be code')
    const challenge = query.get('code_challenge') ?? ''
    if (query.get('code_challenge_method') !== 'S256' || !/^[\w-]{43}=?$/.test(challenge))
      return fail('invalid_request', 'PKCE with code_challenge_method S256 is required')
    const scopes = (query.get('scopes') ?? query.get('scope') ?? '').split(/\s+/).filter(Boolean)
    if (scopes.some((s) => !client.scopes.includes(s)))
      return fail('invalid_scope', 'A requested scope was not registered by the client')
    const id = randomUUID()
    this.requests.set(id, {
      clientId: client.clientId,
      redirectUri,
      state,
      challenge,
      scopes: scopes.length ? scopes : client.scopes,
      expiresAt: this.now() + (this.seed?.authorizationSeconds ?? 600) * 1000
    })
    return page(authorizePage(this.users(), id, client.clientName, scopes))
  }

  private authorizeDecision(fields: URLSearchParams): SsoResponse {
    const id = fields.get('request') ?? ''
    const request = this.requests.get(id)
    if (!request || request.expiresAt <= this.now()) {
      this.requests.delete(id)
      return page(
        messagePage(400, 'Sign-in expired', 'This sign-in request has expired. Start the sign-in again.')
      )
    }
    const userName = fields.get('username') ?? ''
    const deny = fields.get('decision') === 'deny'
    if (!deny && !this.seed?.users.some((u) => u.userName === userName)) {
      const client = this.clients.get(request.clientId)
      return page(
        authorizePage(
          this.users(),
          id,
          client?.clientName ?? '',
          request.scopes,
          'Pick a user to sign in as.'
        )
      )
    }
    this.requests.delete(id)
    if (deny)
      return redirect(request.redirectUri, {
        error: 'access_denied',
        error_description: 'The user denied the authorization request',
        state: request.state
      })
    const code = secret('', 48)
    this.codes.set(code, {
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      challenge: request.challenge,
      scopes: request.scopes,
      expiresAt: this.now() + 5 * 60_000,
      userName
    })
    return redirect(request.redirectUri, { code, state: request.state })
  }

  /** RFC 8252: a loopback redirect URI matches a registered one whatever its port. */
  private redirectAllowed(client: Client, uri: string): boolean {
    if (!URL.canParse(uri)) return false
    const asked = new URL(uri)
    return client.redirectUris.some((registered) => {
      const r = new URL(registered)
      const loopback =
        asked.protocol === 'http:' && ['127.0.0.1', '[::1]', 'localhost'].includes(asked.hostname)
      return (
        r.protocol === asked.protocol &&
        r.hostname === asked.hostname &&
        r.pathname === asked.pathname &&
        (loopback || r.port === asked.port)
      )
    })
  }

  // ---------------------------------------------------------------- portal

  /** The sign-in session behind the request's bearer token. */
  private caller(req: SsoRequest): { userName: string; sessionId: string; token: string } {
    const header = req.headers['x-amz-sso_bearer_token']
    const token = Array.isArray(header) ? header[0] : header
    const found = token ? this.accessTokens.get(token) : undefined
    const session = found ? this.sessions.get(found.sessionId) : undefined
    if (!token || !found || !session || session.revoked || found.expiresAt <= this.now()) throw unauthorized()
    return { userName: session.userName, sessionId: found.sessionId, token }
  }

  private assignments(
    userName: string,
    seed: IdentityCenterSeed
  ): Array<{ accountId: string; permissionSet: string }> {
    return seed.users.find((u) => u.userName === userName)?.assignments ?? []
  }

  private listAccounts(req: SsoRequest, seed: IdentityCenterSeed): unknown {
    const { userName } = this.caller(req)
    const granted = new Set(this.assignments(userName, seed).map((a) => a.accountId))
    const accounts = seed.accounts
      .filter((a) => granted.has(a.id))
      .map((a) => ({ accountId: a.id, accountName: a.name, emailAddress: a.email }))
    return paginate(req.url.searchParams, accounts, 'accountList')
  }

  private listAccountRoles(req: SsoRequest, seed: IdentityCenterSeed): unknown {
    const { userName } = this.caller(req)
    const accountId = req.url.searchParams.get('account_id')
    if (!accountId) throw portalError(400, 'InvalidRequestException', 'account_id is required')
    const roles = this.assignments(userName, seed)
      .filter((a) => a.accountId === accountId)
      .map((a) => ({ roleName: a.permissionSet, accountId }))
    return paginate(req.url.searchParams, roles, 'roleList')
  }

  private getRoleCredentials(req: SsoRequest, seed: IdentityCenterSeed): unknown {
    const { userName } = this.caller(req)
    const accountId = req.url.searchParams.get('account_id')
    const roleName = req.url.searchParams.get('role_name')
    if (!accountId || !roleName)
      throw portalError(400, 'InvalidRequestException', 'role_name and account_id are required')
    const granted = this.assignments(userName, seed).some(
      (a) => a.accountId === accountId && a.permissionSet === roleName
    )
    const set = seed.permissionSets.find((p) => p.name === roleName)
    if (!granted || !set) throw portalError(403, 'ForbiddenException', 'No access')
    const expiresAt = this.now() + set.sessionSeconds * 1000
    const session = this.state.issueSsoSession(accountId, roleName, userName, expiresAt, set.readOnly)
    return {
      roleCredentials: {
        accessKeyId: session.accessKeyId,
        secretAccessKey: session.secretAccessKey,
        sessionToken: session.sessionToken,
        expiration: expiresAt
      }
    }
  }

  private logout(req: SsoRequest): unknown {
    const { sessionId } = this.caller(req)
    const session = this.sessions.get(sessionId)
    if (session) session.revoked = true
    for (const [key, token] of this.accessTokens)
      if (token.sessionId === sessionId) this.accessTokens.delete(key)
    for (const [key, token] of this.refreshTokens)
      if (token.sessionId === sessionId) this.refreshTokens.delete(key)
    return undefined
  }

  // ---------------------------------------------------------------- helpers

  private forgetDevice(deviceCode: string): void {
    const device = this.devices.get(deviceCode)
    if (device) this.deviceByUserCode.delete(normalizeUserCode(device.userCode))
    this.devices.delete(deviceCode)
  }

  /** True for this Identity Center's start URL, as written in a config (a trailing `/` or `#…` allowed). */
  private isStartUrl(candidate: string): boolean {
    if (!URL.canParse(candidate) || !URL.canParse(this.baseUrl())) return false
    const url = new URL(candidate)
    const base = new URL(this.baseUrl())
    const loopbacks = new Set([base.hostname, '127.0.0.1', 'localhost', '[::1]'])
    return (
      url.protocol === base.protocol &&
      url.port === base.port &&
      loopbacks.has(url.hostname) &&
      /^\/start\/?$/.test(url.pathname) &&
      !url.search
    )
  }
}

function json(status: number, value: unknown, headers: Record<string, string> = {}): SsoResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: value === undefined ? '' : JSON.stringify(value)
  }
}

function page(p: Page): SsoResponse {
  return { status: p.status, headers: { ...pageHeaders }, body: renderPage(p) }
}

function redirect(to: string, params: Record<string, string>): SsoResponse {
  const url = new URL(to)
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value)
  return { status: 302, headers: { location: url.href, 'cache-control': 'no-store' }, body: '' }
}

function form(body: Buffer): URLSearchParams {
  return new URLSearchParams(body.toString('utf8'))
}

/** An OIDC request body: a JSON object, or InvalidRequestException. */
function oidcBody(body: Buffer): Record<string, unknown> {
  let parsed: unknown
  try {
    parsed = body.length ? JSON.parse(body.toString('utf8')) : {}
  } catch {
    throw new OidcError('InvalidRequestException', 'The request body is not valid JSON.')
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new OidcError('InvalidRequestException', 'The request body must be a JSON object.')
  return parsed as Record<string, unknown>
}

function str(body: Record<string, unknown>, key: string, required: true): string
function str(body: Record<string, unknown>, key: string, required?: false): string | undefined
function str(body: Record<string, unknown>, key: string, required = false): string | undefined {
  const value = body[key]
  if (value === undefined || value === null || value === '') {
    if (required) throw new OidcError('InvalidRequestException', `${key} is required`)
    return undefined
  }
  if (typeof value !== 'string') throw new OidcError('InvalidRequestException', `${key} must be a string`)
  return value
}

function list(body: Record<string, unknown>, key: string): string[] {
  const value = body[key]
  if (value === undefined || value === null) return []
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
    throw new OidcError('InvalidRequestException', `${key} must be a list of strings`)
  return value as string[]
}

/** One page of `items` (`max_result` 1–100, default 20) and the token of the next. */
function paginate<T>(query: URLSearchParams, items: T[], key: string): unknown {
  const rawMax = query.get('max_result')
  const max = rawMax === null ? 20 : Number(rawMax)
  if (!Number.isInteger(max) || max < 1 || max > 100)
    throw portalError(400, 'InvalidRequestException', 'max_result must be between 1 and 100')
  const rawToken = query.get('next_token')
  let start = 0
  if (rawToken !== null) {
    const decoded = /^\d{1,9}$/.test(Buffer.from(rawToken, 'base64url').toString('utf8'))
      ? Number(Buffer.from(rawToken, 'base64url').toString('utf8'))
      : Number.NaN
    if (!Number.isInteger(decoded) || decoded < 0 || decoded > items.length)
      throw portalError(400, 'InvalidRequestException', 'Invalid next_token')
    start = decoded
  }
  const end = start + max
  return {
    [key]: items.slice(start, end),
    ...(end < items.length ? { nextToken: Buffer.from(String(end)).toString('base64url') } : {})
  }
}
