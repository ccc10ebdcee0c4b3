/**
 * The Sandbox: an Amazon Connect + STS emulator on an HTTP(S) server, loopback by default. Every
 * request must be SigV4-signed by a key it knows; data is isolated per account and Region; Connect
 * calls share one token bucket per account and Region; faults can be injected. Runs under plain Node
 * (the CLI, tests, benchmarks) and inside the app's main process alike.
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
import { parseAuthorization, verifySigV4 } from './sigv4'
import { SandboxState, type Principal } from './state'
import { runSts, stsErrorXml } from './sts-api'
import { Throttle, type ThrottleConfig } from './throttle'
import { connectRules } from '../../shared/connect-rules'

export interface SandboxOptions {
  /** The world to serve; the demo seed by default. */
  seed?: SandboxSeed
  /** 127.0.0.1 by default. */
  host?: string
  /** 0 (any free port) by default. */
  port?: number
  /** AWS's default (2/s, burst 5) unless given; `{ rate: 0 }` turns throttling off. */
  throttle?: ThrottleConfig
  /** The throttle's clock in milliseconds (tests pass a fake one); `performance.now` by default. */
  clock?: () => number
  faults?: FaultConfig
  /** Where to keep the state across restarts; written after every change. */
  stateFile?: string
  /** Serve HTTPS with this key and certificate instead of HTTP. */
  tls?: { key: string | Buffer; cert: string | Buffer }
}

/** Requests seen, by operation and outcome: lets tests prove what was (not) sent. */
export class SandboxStats {
  readonly byOperation = new Map<string, number>()
  readonly byStatus = new Map<number, number>()
  total = 0

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
  close(): Promise<void>
}

const maxBody = 1024 * 1024

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > maxBody) {
        reject(new ServiceError(413, 'SerializationException', 'The request body is larger than 1 MiB.'))
        req.destroy()
      } else chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
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

/** Starts a Sandbox and resolves once it listens. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const state = new SandboxState(options.seed ?? demoSeed())
  const stats = new SandboxStats()
  const faults = new FaultInjector(options.faults)
  const throttle = new Throttle(
    options.throttle ?? { rate: connectRules.apiRate.perSecond, burst: connectRules.apiRate.burst },
    options.clock
  )

  let saveTimer: NodeJS.Timeout | undefined
  const save = (): void => {
    saveTimer = undefined
    if (!options.stateFile) return
    mkdirSync(dirname(options.stateFile), { recursive: true })
    const temp = `${options.stateFile}.${process.pid}.tmp`
    writeFileSync(temp, JSON.stringify(state.toSeed()))
    renameSync(temp, options.stateFile)
  }
  if (options.stateFile) {
    save()
    state.onChange(() => {
      saveTimer ??= setTimeout(save, 100)
    })
  }

  function authenticate(
    req: IncomingMessage,
    body: Buffer,
    sts: boolean
  ): { principal: Principal; region: string } {
    const auth = parseAuthorization(req.headers.authorization)
    if (!auth) throw authError('missing', sts)
    const principal = state.principal(auth.accessKeyId)
    if (!principal) throw authError('unknownKey', sts)
    if (principal.sessionToken !== undefined) {
      if (req.headers['x-amz-security-token'] !== principal.sessionToken) throw authError('unknownKey', sts)
      if ((principal.expiresAt ?? 0) <= Date.now()) throw authError('expired', sts)
    }
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

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const isSts = (): boolean =>
      parseAuthorization(req.headers.authorization)?.service === 'sts' ||
      String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
    let operation = 'Unknown'
    try {
      const body = await readBody(req)
      const sts = isSts()
      const { principal, region } = authenticate(req, body, sts)
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
      const serviceError =
        error instanceof ServiceError
          ? error
          : new ServiceError(500, 'InternalServiceException', `Sandbox failure: ${(error as Error).message}`)
      stats.record(operation, serviceError.status)
      sendError(res, serviceError, isSts())
    }
  }

  const listener = (req: IncomingMessage, res: ServerResponse): void => void handle(req, res)
  const server: Server = options.tls ? createHttpsServer(options.tls, listener) : createHttpServer(listener)
  server.keepAliveTimeout = 30_000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve)
  })
  const { port } = server.address() as AddressInfo
  const host = options.host ?? '127.0.0.1'
  const url = `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`

  return {
    url,
    port,
    state,
    stats,
    faults,
    throttle,
    close: async () => {
      if (saveTimer) {
        clearTimeout(saveTimer)
        save()
      }
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
