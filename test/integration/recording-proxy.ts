/** A local HTTP proxy (absolute-form forwarding and CONNECT tunnels) that records what passed through. */
import { createServer, request, type Server } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'

export interface RecordingProxy {
  url: string
  /** "CONNECT host:port" or "GET http://host/path", in arrival order. */
  seen: string[]
  close(): Promise<void>
}

export async function startRecordingProxy(): Promise<RecordingProxy> {
  const seen: string[] = []
  const server: Server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`)
    const target = new URL(req.url ?? '')
    const upstream = request(
      {
        host: target.hostname,
        port: target.port,
        path: `${target.pathname}${target.search}`,
        method: req.method,
        headers: req.headers
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      }
    )
    upstream.on('error', () => res.writeHead(502).end())
    req.pipe(upstream)
  })
  const tunnels = new Set<Socket>()
  server.on('connect', (req, client: Socket, head) => {
    seen.push(`CONNECT ${req.url}`)
    tunnels.add(client)
    client.on('close', () => tunnels.delete(client))
    const [host, port] = (req.url ?? '').split(':')
    const upstream = connect(Number(port), host ?? '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    upstream.on('error', () => client.destroy())
    client.on('error', () => upstream.destroy())
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections()
        for (const socket of tunnels) socket.destroy()
        server.close(() => done())
      })
  }
}
