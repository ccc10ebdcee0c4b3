/**
 * The Sandbox under hostile traffic and a second server (issue 10, items 14 and 4): a flood of
 * connections that declare 1 MiB bodies and then halt must not grow its memory without bound nor keep
 * signed requests from being answered; an over-size body is answered 413, not reset; slow senders are
 * cut off; and only one server at a time may hold a state file. Every byte goes to 127.0.0.1 servers
 * started here, with bounded counts and times.
 */
import { CreateUserCommand, DescribeUserCommand, ListInstancesCommand } from '@aws-sdk/client-connect'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { connect as connectSocket, type Socket } from 'node:net'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startSandbox, sandboxLimits, type Sandbox } from '../../src/main/sandbox/server'
import { lockFileOf, readSandboxLock, SandboxStateLockedError } from '../../src/main/sandbox/state-lock'
import { alphaUser, connect, demo } from '../integration/sandbox-helpers'

const MiB = 1024 * 1024
const noThrottle = { rate: 0, burst: 1 }
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

const refusedCount = (sandbox: Sandbox): number => sandbox.stats.byStatus.get(503) ?? 0

const opened: Sandbox[] = []
const sockets: Socket[] = []
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy()
  await Promise.all(opened.splice(0).map((sandbox) => sandbox.close()))
})

async function sandboxWith(options: Parameters<typeof startSandbox>[0] = {}): Promise<Sandbox> {
  const sandbox = await startSandbox({ throttle: noThrottle, ...options })
  opened.push(sandbox)
  return sandbox
}

/** A raw connection to the Sandbox and everything it answers, with when it was closed. */
interface Held {
  socket: Socket
  received: () => string
  closed: Promise<number>
}

/** Opens a raw TCP connection (errors such as a reset are recorded, never thrown). */
function open(sandbox: Sandbox): Promise<Held> {
  return new Promise((resolve) => {
    const started = performance.now()
    const socket = connectSocket(sandbox.port, '127.0.0.1')
    sockets.push(socket)
    let received = ''
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')))
    socket.on('error', () => {})
    const closed = new Promise<number>((done) => socket.on('close', () => done(performance.now() - started)))
    socket.once('connect', () => resolve({ socket, received: () => received, closed }))
    socket.once('close', () => resolve({ socket, received: () => received, closed }))
  })
}

/**
 * An Authorization header with a known access key and a wrong signature: it passes the checks made on
 * headers alone, so the Sandbox must receive the body before it can refuse the signature.
 */
const knownKeyBadSignature =
  `AWS4-HMAC-SHA256 Credential=${demo.alpha.accessKeyId}/20250101/us-east-1/connect/aws4_request, ` +
  `SignedHeaders=host, Signature=${'0'.repeat(64)}`

const head = (length: number, path = '/instance'): string =>
  `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
  `Authorization: ${knownKeyBadSignature}\r\nContent-Length: ${length}\r\n\r\n`

/** Writes and resolves once the bytes are handed to the kernel (or after `ms`, whichever is first). */
const write = (socket: Socket, data: string | Buffer, ms = 3000): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms)
    if (socket.destroyed) return resolve()
    socket.write(data, () => {
      clearTimeout(timer)
      resolve()
    })
  })

/** POSTs `body` with the plain http client, as a well-behaved client would: status, headers, body. */
function post(
  sandbox: Sandbox,
  body: Buffer,
  chunked: boolean
): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: sandbox.port,
        method: 'POST',
        path: '/instance',
        headers: {
          'content-type': 'application/json',
          authorization: knownKeyBadSignature,
          ...(chunked ? {} : { 'content-length': body.length })
        }
      },
      (res) => {
        let text = ''
        res.on('data', (chunk: Buffer) => (text += chunk.toString()))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }))
      }
    )
    req.on('error', reject)
    if (chunked) {
      for (let at = 0; at < body.length; at += 64 * 1024) req.write(body.subarray(at, at + 64 * 1024))
      req.end()
    } else req.end(body)
  })
}

describe('a flood of held connections', () => {
  it('keeps memory bounded and signed requests answered while 300 connections hold 1 MiB bodies', async () => {
    const sandbox = await sandboxWith()
    const client = connect(sandbox, demo.alpha)
    await client.send(new ListInstancesCommand({})) // warm: the SDK and the server's paths are loaded
    const rssBefore = process.memoryUsage().rss

    const count = 300
    const almostAll = Buffer.alloc(MiB - 1, 0x61) // one shared buffer: the flood costs the client nothing
    const held = await Promise.all(Array.from({ length: count }, () => open(sandbox)))
    await Promise.all(held.map((h) => write(h.socket, head(MiB))))
    await Promise.all(held.map((h) => write(h.socket, almostAll)))
    // Until the server has taken every body in: all but the budget's worth are refused (or time is up).
    const budgetMiB = sandboxLimits.maxBufferedBytes / MiB
    for (let waited = 0; waited < 10_000 && refusedCount(sandbox) < count - budgetMiB; waited += 100)
      await pause(100)
    await pause(200)
    const rssDuring = process.memoryUsage().rss
    const grownMiB = (rssDuring - rssBefore) / MiB

    // The flood holds 300 MiB of declared bodies; the server buffers at most its 64 MiB budget, and
    // refuses the rest (the largest bodies still coming first, so one budget's worth at most survives).
    expect(refusedCount(sandbox)).toBeGreaterThanOrEqual(count - budgetMiB)
    expect(sandbox.stats.bodyBytesPeak).toBeLessThanOrEqual(sandboxLimits.maxBufferedBytes)
    expect(grownMiB).toBeLessThan(budgetMiB + 128)
    const stillOpen = held.filter((h) => !h.socket.destroyed).length
    expect(stillOpen).toBe(count)

    // Legitimate, signed requests are answered during the flood.
    const { UserId } = await client.send(new CreateUserCommand(alphaUser('during.flood')))
    const described = await client.send(
      new DescribeUserCommand({ InstanceId: demo.alpha.instanceId, UserId })
    )
    expect(described.User?.Username).toBe('during.flood')
    const listed = await client.send(new ListInstancesCommand({}))
    expect(listed.InstanceSummaryList).toHaveLength(1)

    // Every refused body was answered (503 and a JSON error), not reset.
    const answered = (): number => held.filter((h) => h.received().startsWith('HTTP/1.1 503')).length
    for (let waited = 0; waited < 1000 && answered() < refusedCount(sandbox); waited += 50) await pause(50)
    const answered503 = answered()
    expect(answered503).toBe(refusedCount(sandbox))
    expect(held.find((h) => h.received().startsWith('HTTP/1.1 503'))?.received()).toContain(
      'x-amzn-errortype: ServiceUnavailableException'
    )
    console.log(
      `[sandbox flood] connections held: ${stillOpen}, RSS ${(rssBefore / MiB).toFixed(0)} → ` +
        `${(rssDuring / MiB).toFixed(0)} MiB (+${grownMiB.toFixed(0)}), peak bodies held ` +
        `${(sandbox.stats.bodyBytesPeak / MiB).toFixed(1)} MiB, bodies refused 503: ${answered503}, ` +
        `signed requests answered: 3 of 3`
    )
  }, 20_000)

  it('closes connections over the cap as they arrive, and serves again once they are gone', async () => {
    const sandbox = await sandboxWith({ limits: { maxConnections: 20 } })
    const held = await Promise.all(Array.from({ length: 30 }, () => open(sandbox)))
    await Promise.all(held.map((h) => write(h.socket, head(100))))
    await pause(200)
    expect(held.filter((h) => h.socket.destroyed).length).toBe(10)
    expect(sandbox.stats.connectionsDropped).toBe(10)
    for (const h of held) h.socket.destroy()
    await pause(100)
    const listed = await connect(sandbox, demo.alpha).send(new ListInstancesCommand({}))
    expect(listed.InstanceSummaryList).toHaveLength(1)
  })
})

describe('request bodies over the limit', () => {
  it('answers 413 with an error body, not a reset, whether the length is declared or chunked', async () => {
    const sandbox = await sandboxWith()
    for (const chunked of [false, true]) {
      const answer = await post(sandbox, Buffer.alloc(2 * MiB, 0x61), chunked)
      expect(answer.status, chunked ? 'chunked' : 'declared').toBe(413)
      expect(answer.headers['x-amzn-errortype']).toBe('RequestEntityTooLargeException')
      expect((JSON.parse(answer.text) as { Message: string }).Message).toMatch(/1 MiB/)
    }
    // Exactly 1 MiB is within the limit: it is received whole and reaches the signature check.
    const atLimit = await post(sandbox, Buffer.alloc(MiB, 0x61), false)
    expect(atLimit.status).toBe(403)
    expect(atLimit.headers['x-amzn-errortype']).toBe('InvalidSignatureException')
    expect(sandbox.stats.byStatus.get(413)).toBe(2)
  })

  it('refuses a declared Content-Length over the limit before the body is sent', async () => {
    const sandbox = await sandboxWith()
    const held = await open(sandbox)
    await write(held.socket, head(50 * MiB))
    await pause(200)
    expect(held.received()).toMatch(/^HTTP\/1\.1 413 /)
    expect(held.received()).toContain('"Message"')
  })
})

describe('slow senders', () => {
  it('are cut off by the request timeout, while slow processing is not', async () => {
    const timeoutMs = 300
    const sandbox = await sandboxWith({
      limits: { headersTimeoutMs: timeoutMs, requestTimeoutMs: timeoutMs },
      faults: { latencyMs: 2 * timeoutMs }
    })
    const [silent, halfHeaders, halfBody] = await Promise.all([open(sandbox), open(sandbox), open(sandbox)])
    await write(halfHeaders.socket, 'POST /instance HTTP/1.1\r\nHost: 127.0.0.1\r\n')
    await write(halfBody.socket, `${head(1000)}{"a":`)
    // Within the timeout plus the server's check interval (a quarter of the timeout), with slack.
    const [silentAfter, headersAfter, bodyAfter] = await Promise.all([
      silent.closed,
      halfHeaders.closed,
      halfBody.closed
    ])
    for (const after of [silentAfter, headersAfter, bodyAfter]) {
      expect(after).toBeGreaterThanOrEqual(timeoutMs - 50)
      expect(after).toBeLessThan(timeoutMs * 4)
    }
    expect(halfBody.received()).toMatch(/^HTTP\/1\.1 408 /)
    // A complete request whose answer takes longer than the timeout (injected latency) is answered.
    const listed = await connect(sandbox, demo.alpha).send(new ListInstancesCommand({}))
    expect(listed.InstanceSummaryList).toHaveLength(1)
  })
})

describe('the state file has one writer', () => {
  const stateFile = (): string => join(mkdtempSync(join(tmpdir(), 'cp-sandbox-lock-')), 'state.json')

  it('refuses a second server on a state file a live server holds, naming the holder', async () => {
    const file = stateFile()
    const first = await sandboxWith({ stateFile: file })
    const lock = readSandboxLock(file)
    expect(lock).toMatchObject({ pid: process.pid, port: first.port, url: first.url, hostname: hostname() })

    await connect(first, demo.alpha).send(new CreateUserCommand(alphaUser('kept.by.first')))
    await pause(250) // the first server saves within 100 ms of a change
    expect(readFileSync(file, 'utf8')).toContain('kept.by.first')

    const second = await startSandbox({ stateFile: file, throttle: noThrottle }).then(
      (sandbox) => {
        opened.push(sandbox)
        return undefined
      },
      (error: unknown) => error
    )
    expect(second).toBeInstanceOf(SandboxStateLockedError)
    const refusal = second as SandboxStateLockedError
    expect(refusal.message).toContain(String(process.pid))
    expect(refusal.message).toContain(first.url)
    expect(refusal.message).toContain(lockFileOf(file))
    expect(refusal.holder.url).toBe(first.url)
    // The refused server wrote nothing: the holder's user is still in the file.
    expect(readFileSync(file, 'utf8')).toContain('kept.by.first')

    await first.close()
    opened.splice(opened.indexOf(first), 1)
    expect(existsSync(lockFileOf(file))).toBe(false)
    expect(readSandboxLock(file)).toBeUndefined()
    const third = await sandboxWith({ stateFile: file })
    expect(readSandboxLock(file)?.url).toBe(third.url)
  })

  it('honours a lock held by another live process, and takes it over once that process is killed', async () => {
    const file = stateFile()
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 20000)'], { stdio: 'ignore' })
    const gone = new Promise((resolve) => holder.once('exit', resolve))
    try {
      const pid = holder.pid ?? 0
      const lock = { pid, hostname: hostname(), startedAt: 'then', port: 1, url: 'http://127.0.0.1:1' }
      writeFileSync(lockFileOf(file), JSON.stringify({ ...lock, id: 'other-process' }))
      expect(readSandboxLock(file)).toEqual(lock)
      const refused = await startSandbox({ stateFile: file }).then(
        (sandbox) => opened.push(sandbox),
        (error: unknown) => error
      )
      expect(refused).toBeInstanceOf(SandboxStateLockedError)
      expect((refused as Error).message).toContain(`process ${pid} at http://127.0.0.1:1`)
      expect(existsSync(file)).toBe(false) // refused before writing anything
    } finally {
      holder.kill('SIGKILL')
      await gone
    }
    // kill -9 left the lock behind: it is stale now, and the next Sandbox takes it over.
    expect(readSandboxLock(file)).toBeUndefined()
    const sandbox = await sandboxWith({ stateFile: file })
    expect(readSandboxLock(file)).toMatchObject({ pid: process.pid, url: sandbox.url })
    expect(existsSync(file)).toBe(true)
  })

  it('takes over a lock file that is not a lock (empty or garbage)', async () => {
    for (const content of ['', '{"pid":', 'null']) {
      const file = stateFile()
      writeFileSync(lockFileOf(file), content)
      const sandbox = await sandboxWith({ stateFile: file })
      expect(readSandboxLock(file)?.url).toBe(sandbox.url)
    }
  })
})
