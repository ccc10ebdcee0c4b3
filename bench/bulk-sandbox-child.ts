/**
 * The Sandbox in a process of its own for the bulk benchmarks (bundled with vite, started with
 * `fork`): its throttle keeps its own event loop and clock, as AWS's does, so a pause of the benchmark's
 * process cannot change what the Sandbox counts. Answers the parent over IPC with its counters and the
 * users of an instance. argv: port (0 = any), rate, burst, and a
 * users quota for every instance (0 = the seed's).
 */
import { startSandbox } from '../src/main/sandbox/server'

/** What the parent asks. */
export type ChildRequest =
  | { id: number; type: 'stats' }
  | { id: number; type: 'reset' }
  | { id: number; type: 'users'; instanceId: string }
  | { id: number; type: 'close' }

/** What the Sandbox counted since the last reset. */
export interface ChildStats {
  total: number
  byOperation: Record<string, number>
  byStatus: Record<string, number>
}

const [port = '0', rate = '25', burst = '5', usersQuota = '0'] = process.argv.slice(2)
const sandbox = await startSandbox({
  port: Number(port),
  throttle: { rate: Number(rate), burst: Number(burst) }
})
// Room for the benchmark's users in every instance (Bravo's demo instance allows 500 users in all).
if (Number(usersQuota) > 0)
  for (const instance of sandbox.state.instances.values())
    instance.usersQuota = Math.max(instance.usersQuota, Number(usersQuota))
const reply = (id: number, value: unknown): void => {
  process.send?.({ id, value })
}
process.on('message', (request: ChildRequest) => {
  switch (request.type) {
    case 'stats':
      return reply(request.id, {
        total: sandbox.stats.total,
        byOperation: Object.fromEntries(sandbox.stats.byOperation),
        byStatus: Object.fromEntries(sandbox.stats.byStatus)
      } satisfies ChildStats)
    case 'reset':
      sandbox.stats.reset()
      return reply(request.id, true)
    case 'users':
      return reply(
        request.id,
        [...(sandbox.state.instances.get(request.instanceId)?.users.values() ?? [])].map((u) => u.Username)
      )
    case 'close':
      void sandbox.close().then(() => {
        reply(request.id, true)
        process.disconnect()
      })
  }
})
process.on('disconnect', () => void sandbox.close().then(() => process.exit(0)))
process.send?.({ id: 0, value: { url: sandbox.url, port: sandbox.port } })
