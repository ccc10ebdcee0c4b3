/**
 * TEST-ONLY e2e harness: serves the built renderer on 127.0.0.1 to Chromium and installs a
 * `window.api` bridge whose every call runs the REAL main-process handlers (dispatch: schema check +
 * envelope) in this Node process. Never bundled into the app. It records all traffic across the
 * bridge so tests can prove what did and did not reach the renderer.
 */
import { createServer, type Server } from 'node:http'
import { readFile } from 'node:fs/promises'
import { mkdirSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize, resolve } from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'
import { dispatch } from '../../src/main/ipc/dispatch'
import { afterAll, beforeAll, inject } from 'vitest'
import { appUnderTest, type AppUnderTest, type BackendOptions } from './app-under-test'
import type { EventChannel, EventContract, InvokeChannel } from '../../src/shared/ipc-contract'

export const rendererDir = resolve(import.meta.dirname, '../../out/renderer')
export const artifactsDir = resolve(import.meta.dirname, 'artifacts')

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2'
}

/** Serves out/renderer on an ephemeral loopback port. */
export async function serveRenderer(): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname))
    const file = join(rendererDir, path === '/' ? 'index.html' : path)
    if (!file.startsWith(rendererDir)) return void res.writeHead(403).end()
    readFile(file).then(
      (data) =>
        res
          .writeHead(200, { 'content-type': contentTypes[extname(file)] ?? 'application/octet-stream' })
          .end(data),
      () => res.writeHead(404).end('not found')
    )
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((done) => server.close(() => done()))
  }
}

/** The Chromium that global-setup.ts found: where it is and what it needs in its environment. */
export interface ChromiumLaunch {
  source: 'path' | 'system' | 'npm'
  executablePath: string
  description: string
  env: Record<string, string>
}

declare module 'vitest' {
  export interface ProvidedContext {
    chromium: ChromiumLaunch
  }
}

/**
 * Launches the Chromium global-setup.ts found, headless, with our own flags: web security stays on
 * and no network features call out. (Never the flags of @sparticuz/chromium, made for serverless.)
 */
export function launchChromium(): Promise<Browser> {
  const { executablePath, env } = inject('chromium')
  return chromium.launch({
    executablePath,
    env: { ...process.env, ...env },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic'
    ]
  })
}

/** One crossing of the bridge: a call and its answer, or an event main pushed. */
export type Crossing = Invocation | { kind: 'event'; channel: string; payload: unknown }
export type Invocation = { kind: 'invoke'; channel: string; request: unknown; response: unknown }

/** A page running the built renderer against real handlers. */
export interface AppPage {
  page: Page
  /** Everything that crossed between renderer and main. */
  traffic: Crossing[]
  /** Console errors and uncaught page errors (CSP violations show up here too). */
  errors: string[]
  /** The calls made on `channel`, in order. */
  invokes(channel: InvokeChannel): Invocation[]
  /** Pushes an event from "main" to the renderer, as webContents.send would. */
  emit<E extends EventChannel>(channel: E, payload: EventContract[E]): Promise<void>
}

/** How a page opens: the OS colour scheme it reports, and the window size (1200×760 by default). */
export interface OpenOptions {
  colorScheme?: 'light' | 'dark'
  viewport?: { width: number; height: number }
}

/** Opens the renderer in a fresh context with the bridge to the app's real handlers installed. */
export async function openApp(
  browser: Browser,
  url: string,
  app: AppUnderTest,
  options: OpenOptions = {}
): Promise<AppPage> {
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1200, height: 760 },
    colorScheme: options.colorScheme ?? 'light'
  })
  const page = await context.newPage()
  // Fail a step with its locator well before the test's own timeout, instead of waiting forever.
  page.setDefaultTimeout(10_000)
  const traffic: Crossing[] = []
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(error.message))
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text())
  })
  // Playwright runs exposed functions one at a time per page, but ipcMain.handle runs calls
  // concurrently (whoami waits while the MFA answer arrives). So the bridge only *starts* a call
  // here and delivers its envelope later, by call id, as Electron would.
  await page.exposeFunction('__bridgeStart', (id: number, channel: string, request: unknown) => {
    void dispatch(app.handlers, channel, request).then(async (response) => {
      traffic.push({ kind: 'invoke', channel, request, response })
      await page
        .evaluate(
          ([callId, answer]) =>
            (window as unknown as { __bridgeDone: (id: number, r: unknown) => void }).__bridgeDone(
              callId,
              answer
            ),
          [id, response] as const
        )
        .catch(() => {}) // the page was closed meanwhile
    })
  })
  await page.addInitScript(() => {
    type Listener = (payload: unknown) => void
    const listeners = new Map<string, Set<Listener>>()
    const pending = new Map<number, (response: never) => void>()
    let nextId = 0
    const bridge = window as unknown as {
      __bridgeStart: (id: number, channel: string, request: unknown) => Promise<void>
      __bridgeDone: (id: number, response: never) => void
      __bridgeEmit: (channel: string, payload: unknown) => void
    }
    bridge.__bridgeDone = (id, response) => {
      pending.get(id)?.(response)
      pending.delete(id)
    }
    bridge.__bridgeEmit = (channel, payload) =>
      listeners.get(channel)?.forEach((listener) => listener(payload))
    window.api = {
      invoke: (channel, request) =>
        new Promise((resolve) => {
          const id = nextId++
          pending.set(id, resolve)
          void bridge.__bridgeStart(id, channel, request)
        }),
      on: (channel, listener) => {
        const set = listeners.get(channel) ?? new Set<Listener>()
        set.add(listener as Listener)
        listeners.set(channel, set)
        return () => set.delete(listener as Listener)
      }
    }
  })
  await page.goto(url)
  const emit: AppPage['emit'] = async (channel, payload) => {
    traffic.push({ kind: 'event', channel, payload })
    await page.evaluate(
      ([c, p]) =>
        (window as unknown as { __bridgeEmit: (c: unknown, p: unknown) => void }).__bridgeEmit(c, p),
      [channel, payload] as const
    )
  }
  // Events the real services emit (an MFA request) reach this page as webContents.send would.
  app.onEvent((channel, payload) => void emit(channel, payload))
  return {
    page,
    traffic,
    errors,
    invokes: (channel) =>
      traffic.filter((c): c is Invocation => c.kind === 'invoke' && c.channel === channel),
    emit
  }
}

/** Saves a screenshot under test/e2e/artifacts/ (git-ignored) and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(artifactsDir, { recursive: true })
  const path = join(artifactsDir, `${name}.png`)
  await page.screenshot({ path })
  return path
}

/** A suite's running app: the real backend, the built renderer served on loopback, and Chromium. */
export interface E2eSuite {
  readonly backend: AppUnderTest
  /** Opens the app in a fresh browser context. */
  open(options?: OpenOptions): Promise<AppPage>
}

/**
 * Registers the suite's set-up and tear-down. `before` runs first (e.g. to write AWS files the backend
 * will read); `after` runs last.
 */
export function useE2e(
  hooks: {
    before?: () => Promise<void> | void
    after?: () => Promise<void> | void
    /** Host settings of the app under test (e.g. a short retry backoff). */
    backend?: BackendOptions
  } = {}
): E2eSuite {
  let backend: AppUnderTest | undefined
  let browser: Browser | undefined
  let server: Awaited<ReturnType<typeof serveRenderer>> | undefined
  beforeAll(async () => {
    await hooks.before?.()
    backend = appUnderTest(process.env, hooks.backend)
    server = await serveRenderer()
    browser = await launchChromium()
  })
  afterAll(async () => {
    await backend?.close()
    await browser?.close()
    await server?.close()
    await hooks.after?.()
  })
  const ready = (): { backend: AppUnderTest; browser: Browser; url: string } => {
    if (!backend || !browser || !server)
      throw new Error('useE2e: the suite has not started (call it at the top level of the test file)')
    return { backend, browser, url: server.url }
  }
  return {
    get backend() {
      return ready().backend
    },
    open: (options) => {
      const { backend: app, browser: chromium, url } = ready()
      return openApp(chromium, url, app, options)
    }
  }
}
