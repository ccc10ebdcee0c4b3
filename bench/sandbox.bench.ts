/**
 * bench/sandbox: how many CreateUser/s the Sandbox sustains with throttling off over keep-alive
 * connections (target ≥ 2,000/s on 2 cores, so it is never a benchmark's bottleneck), and its memory
 * with 100,000 users. The Sandbox runs as the real CLI in its own process; this process signs and sends.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { it } from 'vitest'
import { signRequest } from '../test/integration/sigv4-signer'
import type { SandboxSeedInput } from '../src/main/sandbox/seed'
import { machine, median, writeSection } from './results'

const bin = resolve(import.meta.dirname, '../bin/connect-provisioner.js')
const key = { accessKeyId: 'AKIABENCHMARKEXAMPLE', secretAccessKey: 'bench-secret' }
const instanceId = 'bench-instance-0000-0000-000000000001'
const runs = 5
const requestsPerRun = 10_000
const concurrency = 32

function seed(existingUsers: number): SandboxSeedInput {
  return {
    accounts: [{ id: '999988887777', name: 'Bench', accessKeys: [{ ...key, userName: 'bench' }] }],
    instances: [
      {
        id: instanceId,
        alias: 'bench',
        accountId: '999988887777',
        region: 'us-east-1',
        identityManagementType: 'CONNECT_MANAGED',
        usersQuota: 10_000_000,
        routingProfiles: [{ id: 'rp-1', name: 'Basic Routing Profile' }],
        securityProfiles: [{ id: 'sp-1', name: 'Agent' }],
        generatedUsers: { count: existingUsers, routingProfileId: 'rp-1', securityProfileIds: ['sp-1'] }
      }
    ]
  }
}

async function startSandbox(
  existingUsers: number
): Promise<{ url: string; child: ChildProcess; startMs: number }> {
  const file = join(mkdtempSync(join(tmpdir(), 'cp-bench-')), 'seed.json')
  writeFileSync(file, JSON.stringify(seed(existingUsers)))
  const started = performance.now()
  const child = spawn(process.execPath, [bin, 'sandbox', '--port', '0', '--rate', '0', '--seed', file], {
    stdio: ['ignore', 'pipe', 'inherit']
  })
  const url = await new Promise<string>((done, fail) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /listening on (\S+)/.exec(line)
      if (match?.[1]) done(match[1])
    })
    child.on('exit', (code) => fail(new Error(`sandbox exited with ${code}`)))
  })
  return { url, child, startMs: performance.now() - started }
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0)
  return kb / 1024
}

/** Sends `total` signed CreateUser requests, `concurrency` at a time, over keep-alive; returns req/s. */
async function createUsers(
  url: string,
  run: number,
  total: number
): Promise<{ perSecond: number; errors: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency })
  const { host } = new URL(url)
  let next = 0
  let errors = 0
  const one = (i: number): Promise<void> =>
    new Promise((done) => {
      const body = Buffer.from(
        JSON.stringify({
          Username: `b${run}u${i}`,
          Password: 'BenchPassw0rd',
          IdentityInfo: { FirstName: 'Bench', LastName: 'User', Email: `b${run}u${i}@bench.example.com` },
          PhoneConfig: { PhoneType: 'SOFT_PHONE' },
          SecurityProfileIds: ['sp-1'],
          RoutingProfileId: 'rp-1'
        })
      )
      const req = {
        method: 'PUT',
        url: `/users/${instanceId}`,
        headers: {
          host,
          'content-type': 'application/json',
          'content-length': String(body.length)
        } as Record<string, string>,
        body
      }
      signRequest(req, key, 'us-east-1', 'connect')
      const r = request(`${url}${req.url}`, { method: 'PUT', headers: req.headers, agent }, (res) => {
        if (res.statusCode !== 200) errors++
        res.resume()
        res.on('end', done)
      })
      r.on('error', () => {
        errors++
        done()
      })
      r.end(body)
    })
  const started = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) await one(next++)
    })
  )
  const seconds = (performance.now() - started) / 1000
  agent.destroy()
  return { perSecond: total / seconds, errors }
}

it('bench/sandbox', async () => {
  const throughput: number[] = []
  let errors = 0
  const sandbox = await startSandbox(0)
  try {
    await createUsers(sandbox.url, 0, 2000) // warm-up
    for (let run = 1; run <= runs; run++) {
      const result = await createUsers(sandbox.url, run, requestsPerRun)
      throughput.push(result.perSecond)
      errors += result.errors
    }
  } finally {
    sandbox.child.kill('SIGINT')
  }

  const memory: number[] = []
  const startup: number[] = []
  for (let run = 0; run < 3; run++) {
    const big = await startSandbox(100_000)
    await new Promise((r) => setTimeout(r, 500))
    memory.push(rssMiB(big.child.pid!))
    startup.push(big.startMs)
    big.child.kill('SIGINT')
  }
  const baseline = await startSandbox(0)
  await new Promise((r) => setTimeout(r, 500))
  const emptyRss = rssMiB(baseline.child.pid!)
  baseline.child.kill('SIGINT')

  const perSecond = median(throughput)
  writeSection(
    'bench/sandbox — Sandbox throughput and memory',
    `Machine: ${machine()}.

| measure | median of ${runs} runs | all runs | target | verdict |
| --- | --- | --- | --- | --- |
| CreateUser/s, throttling off, ${concurrency} keep-alive connections, SigV4 verified, ${requestsPerRun.toLocaleString('en')} requests per run | **${Math.round(perSecond).toLocaleString('en')}/s** | ${throughput.map((t) => Math.round(t)).join(', ')} | ≥ 2,000/s | ${perSecond >= 2000 ? 'met' : 'NOT met'} |
| non-200 answers during the runs | ${errors} | | 0 | ${errors === 0 ? 'met' : 'NOT met'} |
| resident memory with 100,000 users (median of 3 starts) | **${Math.round(median(memory))} MiB** | ${memory.map(Math.round).join(', ')} | (recorded) | |
| resident memory with 0 users | ${Math.round(emptyRss)} MiB | | | |
| start-up to listening with 100,000 users | ${Math.round(median(startup))} ms | ${startup.map(Math.round).join(', ')} | | |

The Sandbox runs as \`connect-provisioner sandbox --rate 0\` in its own process; the load generator (this
process, the other core) signs every request with SigV4 and the Sandbox verifies every signature. Each
request creates a distinct user, so the instance grows by ${(runs * requestsPerRun).toLocaleString('en')} users over the runs.
Run it with \`npm run bench\`.`
  )
  console.log(
    `CreateUser/s median ${Math.round(perSecond)}; RSS with 100k users ${Math.round(median(memory))} MiB`
  )
})
