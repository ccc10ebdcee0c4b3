/**
 * The Sandbox: an Amazon Connect + STS + IAM Identity Center emulator on an HTTP(S) server, loopback by
 * default. Every Connect and STS request must be SigV4-signed by a key it knows (Identity Center's
 * OIDC, portal and sign-in pages are unsigned, as AWS's are); data is isolated per account and Region; Connect
 * calls share one token bucket per account and Region; faults can be injected. Runs under plain Node
 * (the CLI, tests, benchmarks) and inside the app's main process alike, so it protects its memory from
 * hostile clients ({@link SandboxLimits}) and keeps its state file to itself (`state-lock.ts`).
 */
import { randomUUID } from 'node:crypto'
import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse
} from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { dirname } from 'node:path'
import { routeConnect } from './connect-api'
import { demoSeed } from './demo-seed'
import { ServiceError } from './errors'
import { FaultInjector, type FaultConfig } from './faults'
import type { SandboxSeed } from './seed'
import { parseAuthorization, verifySigV4, type SigV4Authorization } from './sigv4'
import { SandboxState, type Principal } from './state'
import { acquireStateLock, type StateLockHandle } from './state-lock'
import { IdentityCenter, ssoOperation } from './sso-api'
import { runSts, stsErrorXml } from './sts-api'
import { Throttle, type ThrottleConfig } from './throttle'
import { connectRules } from '../../shared/connect-rules'

/**
 * What one Sandbox lets clients hold. A workstation's app and CLIs use a handful of connections and
 * bodies of a few KiB; these bounds keep a flood (or a stuck client) from taking the process's memory.
 */
export interface SandboxLimits {
  /** Connections open at once; more are closed as they arrive (counted in `stats.connectionsDropped`). */
  maxConnections: number
  /** Largest request body; a larger one is answered 413 `RequestEntityTooLargeException`. */
  maxBodyBytes: number
  /**
   * Request bodies held in memory at once, across all connections. A body that would go over is
   * refused 503 `ServiceUnavailableException` — or, when another body still being received is larger,
   * that one is, so small requests keep being served while large ones hog the budget.
   */
  maxBufferedBytes: number
  /** Time to receive a request's headers, from the connection (or the end of the previous request). */
  headersTimeoutMs: number
  /** Time to receive a whole request, headers and body; a slower sender is answered 408 and cut off. */
  requestTimeoutMs: number
}

/** The limits every Sandbox runs with unless told otherwise (documented in docs/sandbox.md). */
export const sandboxLimits: Readonly<SandboxLimits> = Object.freeze({
  maxConnections: 512,
  maxBodyBytes: 1024 * 1024,
  maxBufferedBytes: 64 * 1024 * 1024,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 10_000
})

export interface SandboxOptions {
  /**
   * The world to serve; the demo seed by default. A function is called once the state file's lock is
   * held, so a world read from `stateFile` there is the one its last holder left.
   */
  seed?: SandboxSeed | (() => SandboxSeed)
  /** 127.0.0.1 by default. */
  host?: string
  /** 0 (any free port) by default. */
  port?: number
  /** AWS's default (2/s, burst 5) unless given; `{ rate: 0 }` turns throttling off. */
  throttle?: ThrottleConfig
  /** The throttle's clock in milliseconds (tests pass a fake one); `performance.now` by default. */
  clock?: () => number
  /**
   * Identity Center's clock (epoch milliseconds): expiry of codes, tokens, sessions and role
   * credentials, and the device flow's polling interval. `Date.now` by default; tests pass a fake one.
   */
  wallClock?: () => number
  faults?: FaultConfig
  /**
   * Where to keep the state across restarts; written after every change. Only one server at a time may
   * keep a given file: it holds `FILE.lock` while it runs, and a second one is refused with
   * `SandboxStateLockedError` (see `state-lock.ts`).
   */
  stateFile?: string
  /** Serve HTTPS with this key and certificate instead of HTTP. */
  tls?: { key: string | Buffer; cert: string | Buffer }
  /** Tighter or looser limits than {@link sandboxLimits} (tests use short timeouts). */
  limits?: Partial<SandboxLimits>
}

/** Requests seen, by operation and outcome: lets tests prove what was (not) sent. */
export class SandboxStats {
  readonly byOperation = new Map<string, number>()
  readonly byStatus = new Map<number, number>()
  total = 0
  /** Connections closed on arrival because `maxConnections` were open. */
  connectionsDropped = 0
  /** Bytes of request bodies held in memory now, and the most held at once (see `maxBufferedBytes`). */
  bodyBytesHeld = 0
  bodyBytesPeak = 0

  record(operation: string, status: number): void {
    this.total++
    this.byOperation.set(operation, (this.byOperation.get(operation) ?? 0) + 1)
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1)
  }

  /** How many requests named `operation` arrived (whatever their outcome). */
  count(operation: string): number {
    return this.byOperation.get(operation) ?? 0
  }

  reset(): void {
    this.byOperation.clear()
    this.byStatus.clear()
    this.total = 0
    this.connectionsDropped = 0
    this.bodyBytesPeak = this.bodyBytesHeld
  }
}

/** A running Sandbox. */
export interface Sandbox {
  /** `http://127.0.0.1:PORT` (or https). */
  url: string
  port: number
  state: SandboxState
  stats: SandboxStats
  faults: FaultInjector
  throttle: Throttle
  /** The IAM Identity Center it serves (start URL `<url>/start`), for tests that steer a sign-in. */
  identityCenter: IdentityCenter
  close(): Promise<void>
}

/** A request body being received or handled, and what it holds of the shared budget. */
interface BodyHolder {
  /** Bytes allocated for it. */
  bytes: number
  /** Still being received: it can be refused to make room. */
  receiving: boolean
  /** Stops receiving it, answering `error`. */
  refuse(error: ServiceError): void
}

const mib = (bytes: number): string => `${Math.round((bytes / 1024 / 1024) * 100) / 100} MiB`

/** The memory all request bodies share (`maxBufferedBytes`). */
class BodyBudget {
  private used = 0
  private readonly holders = new Set<BodyHolder>()

  constructor(
    private readonly limit: number,
    private readonly stats: SandboxStats
  ) {}

  /**
   * Grows `holder` by `bytes`. Over the budget, the largest body still being received is refused until
   * there is room; when that is `holder` itself, it is refused and `false` returned.
   */
  grow(holder: BodyHolder, bytes: number): boolean {
    while (this.used + bytes > this.limit) {
      let largest = holder
      for (const other of this.holders) if (other.receiving && other.bytes > largest.bytes) largest = other
      this.release(largest)
      largest.refuse(
        new ServiceError(
          503,
          'ServiceUnavailableException',
          `The Sandbox is holding ${mib(this.limit)} of request bodies; try again.`
        )
      )
      if (largest === holder) return false
    }
    this.holders.add(holder)
    holder.bytes += bytes
    this.used += bytes
    this.stats.bodyBytesHeld = this.used
    this.stats.bodyBytesPeak = Math.max(this.stats.bodyBytesPeak, this.used)
    return true
  }

  /** Gives back everything `holder` held; safe to call twice. */
  release(holder: BodyHolder): void {
    if (this.holders.delete(holder)) this.used -= holder.bytes
    holder.bytes = 0
    this.stats.bodyBytesHeld = this.used
  }
}

/** The client went away before its request was complete: nothing to answer, nothing to count. */
class RequestAborted extends Error {}

/** The declared body length, or undefined for a chunked body (Node has checked the header is a number). */
function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers['content-length']
  return header === undefined ? undefined : Number(header)
}

function tooLarge(limit: number): ServiceError {
  return new ServiceError(
    413,
    'RequestEntityTooLargeException',
    `The request body is larger than ${mib(limit)}, the Sandbox's limit.`
  )
}

/**
 * Receives a request body into one buffer that grows as bytes arrive (never beyond the declared length
 * or `maxBody`), charged to `budget` through `holder`. A body over `maxBody` or refused for room rejects
 * with the error to answer; the rest of it is then read and discarded, so the client gets that answer
 * rather than a reset.
 */
function readBody(
  req: IncomingMessage,
  maxBody: number,
  budget: BodyBudget,
  holder: BodyHolder
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = declaredLength(req)
    const ceiling = Math.min(declared ?? maxBody, maxBody)
    let buffer = Buffer.alloc(0)
    let length = 0
    const stop = (): void => {
      holder.receiving = false
      req.off('data', onData)
      req.off('end', onEnd)
      req.off('close', onClose)
    }
    holder.refuse = (error) => {
      if (!holder.receiving) return
      stop()
      buffer = Buffer.alloc(0)
      budget.release(holder)
      req.resume() // discard the rest
      reject(error)
    }
    const onData = (chunk: Buffer): void => {
      const needed = length + chunk.length
      if (needed > maxBody) return holder.refuse(tooLarge(maxBody))
      if (needed > buffer.length) {
        const capacity = Math.max(
          needed,
          Math.min(ceiling, Math.max(buffer.length * 2, declared ?? 16 * 1024))
        )
        if (!budget.grow(holder, capacity - buffer.length)) return
        const grown = Buffer.allocUnsafe(capacity)
        buffer.copy(grown, 0, 0, length)
        buffer = grown
      }
      chunk.copy(buffer, length)
      length = needed
    }
    const onEnd = (): void => {
      stop()
      resolve(buffer.subarray(0, length))
    }
    const onClose = (): void => {
      stop()
      budget.release(holder)
      reject(new RequestAborted('The client closed the connection before the request was complete.'))
    }
    holder.receiving = true
    req.on('data', onData)
    req.on('end', onEnd)
    req.on('close', onClose)
  })
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Connect's error codes for authentication failures, and STS's for the same. */
const authErrors = {
  missing: [
    'MissingAuthenticationTokenException',
    'MissingAuthenticationToken',
    'Missing Authentication Token'
  ],
  unknownKey: [
    'UnrecognizedClientException',
    'InvalidClientTokenId',
    'The security token included in the request is invalid.'
  ],
  expired: ['ExpiredTokenException', 'ExpiredToken', 'The security token included in the request is expired'],
  signature: ['InvalidSignatureException', 'SignatureDoesNotMatch', '']
} as const

function authError(kind: keyof typeof authErrors, sts: boolean, reason?: string): ServiceError {
  const [connectCode, stsCode, message] = authErrors[kind]
  return new ServiceError(403, sts ? stsCode : connectCode, reason ?? message)
}

/** Node checks its header and request timeouts on an interval: a quarter of the shorter one, 25 ms–1 s. */
const checkingInterval = (limits: SandboxLimits): number =>
  Math.min(1000, Math.max(25, Math.floor(Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs) / 4)))

/**
 * Starts a Sandbox and resolves once it listens. With a `stateFile`, it first takes the file's lock and
 * rejects with `SandboxStateLockedError` when another live Sandbox holds it.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const limits: SandboxLimits = { ...sandboxLimits, ...options.limits }
  limits.maxBufferedBytes = Math.max(limits.maxBufferedBytes, limits.maxBodyBytes)
  limits.headersTimeoutMs = Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs)
  const stateFile = options.stateFile
  const lock: StateLockHandle | undefined = stateFile ? acquireStateLock(stateFile) : undefined
  try {
    return await serve(options, limits, stateFile, lock)
  } catch (error) {
    lock?.release()
    throw error
  }
}

async function serve(
  options: SandboxOptions,
  limits: SandboxLimits,
  stateFile: string | undefined,
  lock: StateLockHandle | undefined
): Promise<Sandbox> {
  const seed = typeof options.seed === 'function' ? options.seed() : options.seed
  const state = new SandboxState(seed ?? demoSeed())
  const stats = new SandboxStats()
  const faults = new FaultInjector(options.faults)
  const throttle = new Throttle(
    options.throttle ?? { rate: connectRules.apiRate.perSecond, burst: connectRules.apiRate.burst },
    options.clock
  )
  const budget = new BodyBudget(limits.maxBufferedBytes, stats)
  let baseUrl = ''
  const identityCenter = new IdentityCenter(
    state.toSeed().identityCenter,
    state,
    () => baseUrl,
    options.wallClock
  )

  let saveTimer: NodeJS.Timeout | undefined
  let closed = false
  const save = (): void => {
    saveTimer = undefined
    if (!stateFile) return
    mkdirSync(dirname(stateFile), { recursive: true, mode: 0o700 })
    const temp = `${stateFile}.${process.pid}.tmp`
    writeFileSync(temp, JSON.stringify(state.toSeed()), { mode: 0o600 })
    renameSync(temp, stateFile)
  }
  /** A save on the timer never throws into the event loop: a failure is reported and retried. */
  const saveLater = (): void => {
    try {
      save()
    } catch (error) {
      console.error(`Sandbox: could not save its state to ${stateFile}: ${(error as Error).message}`)
      if (!closed) saveTimer = setTimeout(saveLater, 1000)
    }
  }
  let stopListening = (): void => {}
  if (stateFile) {
    save()
    stopListening = state.onChange(() => {
      if (!closed) saveTimer ??= setTimeout(saveLater, 100)
    })
  }

  /** Who signed the request, from its headers alone: refused before any of its body is read. */
  function identify(req: IncomingMessage, sts: boolean): { auth: SigV4Authorization; principal: Principal } {
    const auth = parseAuthorization(req.headers.authorization)
    if (!auth) throw authError('missing', sts)
    const principal = state.principal(auth.accessKeyId)
    if (!principal) throw authError('unknownKey', sts)
    if (principal.sessionToken !== undefined) {
      if (req.headers['x-amz-security-token'] !== principal.sessionToken) throw authError('unknownKey', sts)
      if ((principal.expiresAt ?? 0) <= Date.now()) throw authError('expired', sts)
    }
    return { auth, principal }
  }

  /** Checks the signature, which covers the body. */
  function verify(
    req: IncomingMessage,
    body: Buffer,
    sts: boolean,
    { auth, principal }: { auth: SigV4Authorization; principal: Principal }
  ): { principal: Principal; region: string } {
    const check = verifySigV4(
      { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, body },
      auth,
      principal.secretAccessKey
    )
    if (!check.ok) throw authError('signature', sts, check.reason)
    return { principal, region: auth.region }
  }

  function send(res: ServerResponse, status: number, contentType: string, payload: string): void {
    res.writeHead(status, {
      'content-type': contentType,
      'content-length': Buffer.byteLength(payload),
      'x-amzn-requestid': randomUUID()
    })
    res.end(payload)
  }

  function sendError(res: ServerResponse, error: ServiceError, sts: boolean): void {
    if (sts) return send(res, error.status, 'text/xml', stsErrorXml(error))
    res.setHeader('x-amzn-errortype', error.type)
    send(res, error.status, 'application/json', JSON.stringify({ Message: error.message }))
  }

  /** Identity Center's requests: unsigned, answered from `identityCenter`. */
  async function handleSso(
    operation: string,
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    holder: BodyHolder
  ): Promise<void> {
    let answer
    try {
      const declared = declaredLength(req)
      if (declared !== undefined && declared > limits.maxBodyBytes) throw tooLarge(limits.maxBodyBytes)
      const body = await readBody(req, limits.maxBodyBytes, budget, holder)
      answer = identityCenter.handle(operation, {
        method: req.method ?? 'GET',
        url,
        headers: req.headers,
        body
      })
    } catch (error) {
      if (error instanceof RequestAborted) return
      const serviceError =
        error instanceof ServiceError
          ? error
          : new ServiceError(500, 'InternalServerException', `Sandbox failure: ${(error as Error).message}`)
      if (!req.complete) req.resume()
      answer = {
        status: serviceError.status,
        headers: { 'content-type': 'application/json', 'x-amzn-errortype': serviceError.type },
        body: JSON.stringify({ message: serviceError.message })
      }
    }
    stats.record(operation, answer.status)
    res.writeHead(answer.status, {
      ...answer.headers,
      'content-length': Buffer.byteLength(answer.body),
      'x-amzn-requestid': randomUUID()
    })
    res.end(answer.body)
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const isSts = (): boolean =>
      parseAuthorization(req.headers.authorization)?.service === 'sts' ||
      String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
    let operation = 'Unknown'
    const holder: BodyHolder = { bytes: 0, receiving: false, refuse: () => {} }
    const requested = new URL(req.url ?? '/', 'http://sandbox')
    const sso = ssoOperation(req.method ?? 'GET', requested)
    if (sso) {
      try {
        return await handleSso(sso, req, res, requested, holder)
      } finally {
        budget.release(holder)
      }
    }
    try {
      const sts = isSts()
      const declared = declaredLength(req)
      if (declared !== undefined && declared > limits.maxBodyBytes) throw tooLarge(limits.maxBodyBytes)
      const signer = identify(req, sts)
      const body = await readBody(req, limits.maxBodyBytes, budget, holder)
      const { principal, region } = verify(req, body, sts, signer)
      const url = new URL(req.url ?? '/', 'http://sandbox')

      if (sts) {
        const params = new URLSearchParams(body.toString('utf8'))
        operation = params.get('Action') ?? 'Unknown'
        const { xml } = runSts(state, principal, params)
        stats.record(operation, 200)
        return send(res, 200, 'text/xml', xml)
      }

      const route = routeConnect(req.method ?? 'GET', url.pathname)
      if (!route)
        throw new ServiceError(
          404,
          'UnknownOperationException',
          `No operation matches ${req.method} ${url.pathname}.`
        )
      operation = route.operation.name
      if (principal.readOnly && route.operation.mutates) {
        throw new ServiceError(
          403,
          'AccessDeniedException',
          `User: ${principal.arn} is not authorized to perform: connect:${operation} (its permission set is read-only)`
        )
      }

      if (!throttle.take(`${principal.accountId}:${region}`)) {
        throw new ServiceError(429, 'ThrottlingException', 'Rate exceeded')
      }
      const latency = faults.config.latencyMs ?? 0
      if (latency > 0) await sleep(latency)
      const fault = faults.pick(operation, route.operation.mutates)
      if (fault === 'throttle') throw new ServiceError(429, 'ThrottlingException', 'Rate exceeded')
      if (fault === 'drop') {
        stats.record(operation, 0)
        res.socket?.destroy()
        return
      }
      if (fault === 'fail')
        throw new ServiceError(500, 'InternalServiceException', 'Request processing failed (injected fault).')

      let json: unknown = undefined
      if (body.length > 0) {
        try {
          json = JSON.parse(body.toString('utf8'))
        } catch {
          throw new ServiceError(400, 'SerializationException', 'The request body is not valid JSON.')
        }
      }
      const result = route.operation.run({
        state,
        principal,
        region,
        labels: route.labels,
        query: url.searchParams,
        body: json
      })
      if (fault === 'commit-then-drop') {
        stats.record(operation, 0)
        res.socket?.destroy()
        return
      }
      stats.record(operation, 200)
      send(res, 200, 'application/json', JSON.stringify(result))
    } catch (error) {
      if (error instanceof RequestAborted) return
      const serviceError =
        error instanceof ServiceError
          ? error
          : new ServiceError(500, 'InternalServiceException', `Sandbox failure: ${(error as Error).message}`)
      stats.record(operation, serviceError.status)
      // Whatever of the body is still coming is read and discarded (Node does it once the answer is
      // sent), so the client reads this answer instead of a reset.
      if (!req.complete) req.resume()
      sendError(res, serviceError, isSts())
    } finally {
      budget.release(holder)
    }
  }

  const listener = (req: IncomingMessage, res: ServerResponse): void => void handle(req, res)
  const serverOptions = {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    connectionsCheckingInterval: checkingInterval(limits)
  }
  const server: Server = options.tls
    ? createHttpsServer({ ...options.tls, ...serverOptions }, listener)
    : createHttpServer(serverOptions, listener)
  server.keepAliveTimeout = 30_000
  server.maxConnections = limits.maxConnections
  server.on('drop', () => stats.connectionsDropped++)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  // After listening, an accept error (out of file descriptors, say) must not take the process down: the
  // connection is lost, the server keeps serving.
  server.on('error', () => {})
  const { port } = server.address() as AddressInfo
  const host = options.host ?? '127.0.0.1'
  const url = `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`
  baseUrl = url
  try {
    lock?.update({ port, url })
  } catch (error) {
    server.closeAllConnections()
    server.close()
    throw error
  }

  /** Stops serving, saves what changed, then lets go of the state file. */
  let closing: Promise<void> | undefined
  const stop = async (): Promise<void> => {
    closed = true
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
    stopListening()
    try {
      if (saveTimer) {
        clearTimeout(saveTimer)
        save()
      }
    } finally {
      lock?.release()
    }
  }

  return {
    url,
    port,
    state,
    stats,
    faults,
    throttle,
    identityCenter,
    close: () => (closing ??= stop())
  }
}
