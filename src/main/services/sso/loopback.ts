/**
 * The loopback redirect of the authorization-code flow, as the AWS CLI v2 listens for it: an HTTP
 * listener on 127.0.0.1 (any free port) that takes one `GET /oauth/callback?code=…&state=…` (or
 * `?error=…`) carrying the expected `state`, answers the browser with a short page, and closes.
 * Requests with another state or path are answered and ignored, so a stray page cannot end a sign-in.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

/** What the identity provider sent back. */
export type CallbackResult = { code: string } | { error: string; description?: string }

/** A listener waiting for one redirect. */
export interface LoopbackListener {
  /** `http://127.0.0.1:PORT/oauth/callback`: the redirect URI of the authorization request. */
  redirectUri: string
  /** Resolves with the redirect carrying `state`; rejects when `signal` aborts. */
  callback(state: string, signal: AbortSignal): Promise<CallbackResult>
  close(): void
}

/** Opens a listener; rejects when no loopback port can be opened (the device flow is then used). */
export type ListenLoopback = () => Promise<LoopbackListener>

const page = (title: string, text: string): string =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head>` +
  `<body style="font:16px system-ui,sans-serif;margin:48px"><h1>${title}</h1><p>${text}</p></body></html>`

export const listenLoopback: ListenLoopback = async () => {
  const waiting = new Map<string, (result: CallbackResult) => void>()
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const resolve =
      url.pathname === '/oauth/callback' ? waiting.get(url.searchParams.get('state') ?? '') : undefined
    const headers = {
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
      'content-security-policy': "default-src 'none'"
    }
    if (req.method !== 'GET' || !resolve) {
      res.writeHead(400, headers)
      res.end(page('Not this sign-in', 'This page does not belong to the sign-in in progress.'))
      return
    }
    const code = url.searchParams.get('code')
    const error = url.searchParams.get('error')
    res.writeHead(200, headers)
    res.end(
      code
        ? page('Signed in', 'You can close this tab and return to Connect Provisioner.')
        : page(
            'Sign-in not completed',
            'Access was not granted. You can close this tab and return to Connect Provisioner.'
          )
    )
    resolve(
      code
        ? { code }
        : {
            error: error ?? 'invalid_request',
            ...(url.searchParams.get('error_description')
              ? { description: url.searchParams.get('error_description') ?? '' }
              : {})
          }
    )
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const { port } = server.address() as AddressInfo
  return {
    redirectUri: `http://127.0.0.1:${port}/oauth/callback`,
    callback: (state, signal) =>
      new Promise<CallbackResult>((resolve, reject) => {
        const onAbort = (): void => {
          waiting.delete(state)
          reject(signal.reason)
        }
        if (signal.aborted) return onAbort()
        signal.addEventListener('abort', onAbort, { once: true })
        waiting.set(state, (result) => {
          waiting.delete(state)
          signal.removeEventListener('abort', onAbort)
          resolve(result)
        })
      }),
    close: () => {
      server.closeAllConnections()
      server.close()
    }
  }
}
