/**
 * bench/calls (issue 9, "One API call per user"): how many AWS calls one create sends, cold and warm,
 * from the CLI and from the app's service, counted by the Sandbox; and how close CLI creates come to the
 * quota-bound ideal at Connect's default quota (2/s, bursts of 5), one loop and four loops at once,
 * beside a loop of AWS's own CLI. The Sandbox runs in this process (its counters are read directly), so
 * every child is spawned without blocking the event loop.
 */
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, it } from 'vitest'
import { openFileDocumentStore } from '../src/main/cli/file-store'
import { createServices, type Services } from '../src/main/composition'
import { startSandbox, type Sandbox, type SandboxStats } from '../src/main/sandbox/server'
import { memorySettings } from '../src/main/services/settings-service'
import type { InstanceContext } from '../src/shared/accounts'
import type { TemplateInput } from '../src/shared/templates'
import { cliBin, load, runCli, runTimed, sleep, type TimedRun } from './cli-run'
import { describeSplit, summariseProfile } from './cpu-profile'
import { machine, median, writeSection } from './results'

const profile = 'sandbox-alpha'
const instanceId = '7c8e4a30-1f2b-4c5d-9e6f-a1b2c3d4e5f6'
const alias = 'alpha-contact-center'
const quota = { rate: 2, burst: 5 }
const loopCreates = 20
const loopRuns = 3
const parallelLoops = 4
/** Long enough for the Sandbox's bucket (5 at 2/s) and the CLI's own (4 at 2/s) to be full again. */
const refillMs = 3_000
const stsOperations = new Set(['GetCallerIdentity', 'AssumeRole', 'GetSessionToken'])

/** The time the last of `calls` calls may go when a full bucket of `burst` refills at `rate`/s. */
const idealSeconds = (calls: number): number => Math.max(0, calls - quota.burst) / quota.rate

// ---------------------------------------------------------------------------------------------------
// Set-up: one port for every Sandbox of the run (the printed AWS config, and the fingerprints of the
// cached answers, name it), the printed AWS config, an empty credentials file.

const work = mkdtempSync(join(tmpdir(), 'cp-bench-calls-'))
const awsFiles = { config: join(work, 'aws-config'), credentials: join(work, 'aws-credentials') }
let port = 0

/** This process's environment without anything that would pick another profile, Region or endpoint. */
const baseEnv: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(
    ([key]) =>
      !/^AWS_(PROFILE|DEFAULT_PROFILE|REGION|DEFAULT_REGION|ENDPOINT_URL.*|ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|CONFIG_FILE|SHARED_CREDENTIALS_FILE)$/.test(
        key
      )
  )
)
const awsEnv = (): NodeJS.ProcessEnv => ({
  ...baseEnv,
  AWS_CONFIG_FILE: awsFiles.config,
  AWS_SHARED_CREDENTIALS_FILE: awsFiles.credentials,
  AWS_EC2_METADATA_DISABLED: 'true'
})
const cliEnv = (home: string): NodeJS.ProcessEnv => ({ ...awsEnv(), CONNECT_PROVISIONER_HOME: home })
const freshFolder = (name: string): string => mkdtempSync(join(work, `${name}-`))

async function sandboxOnPort(): Promise<Sandbox> {
  const sandbox = await startSandbox({ port, throttle: quota })
  port = sandbox.port
  return sandbox
}

async function setUp(): Promise<void> {
  if (port) return
  const first = await sandboxOnPort()
  await first.close()
  const printed = await runCli(['sandbox', '--port', String(port), '--print-aws-config'], baseEnv)
  if (printed.code !== 0) throw new Error(`--print-aws-config failed: ${printed.stderr}`)
  writeFileSync(awsFiles.config, printed.stdout)
  writeFileSync(awsFiles.credentials, '')
}

/** AWS's CLI v1: the Python entry itself when pyenv's shim fronts it (the shim adds ~1.5 s a run here). */
const awsCli = ((): string => {
  const found = spawnSync('pyenv', ['which', 'aws'], { encoding: 'utf8' })
  return found.status === 0 && found.stdout.trim() ? found.stdout.trim() : 'aws'
})()
const awsCliVersion = ((): string => {
  const version = spawnSync(awsCli, ['--version'], { encoding: 'utf8' })
  return `${version.stdout}${version.stderr}`.trim().split(' ')[0] ?? 'aws-cli'
})()

// ---------------------------------------------------------------------------------------------------
// Counting

interface Counts {
  connect: Map<string, number>
  sts: Map<string, number>
  throttled: number
}

function countsOf(stats: SandboxStats): Counts {
  const connect = new Map<string, number>()
  const sts = new Map<string, number>()
  for (const [operation, n] of stats.byOperation)
    (stsOperations.has(operation) ? sts : connect).set(operation, n)
  return { connect, sts, throttled: stats.byStatus.get(429) ?? 0 }
}

const total = (m: Map<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0)
const listOf = (m: Map<string, number>): string =>
  m.size
    ? [...m]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([op, n]) => (n > 1 ? `${op} ×${n}` : op))
        .join(', ')
    : '—'

/** Runs `step` with the Sandbox's counters reset, and returns what it sent. */
async function counted<T>(
  sandbox: Sandbox,
  step: () => Promise<T>
): Promise<{ value: T; counts: Counts; ms: number }> {
  sandbox.stats.reset()
  const started = performance.now()
  const value = await step()
  const ms = performance.now() - started
  return { value, counts: countsOf(sandbox.stats), ms }
}

function createArgs(username: string, instance: string): string[] {
  return [
    'create',
    '--profile',
    profile,
    '--instance',
    instance,
    '--routing-profile',
    'Sales Inbound',
    '--security-profile',
    'Agent',
    '--username',
    username,
    '--email',
    `${username}@example.com`,
    '--first-name',
    'A',
    '--last-name',
    'B',
    '--generate-password'
  ]
}

const firstLine = (run: TimedRun): string => (run.stderr.trim() || run.stdout.trim()).split('\n')[0] ?? ''

function failed(run: TimedRun, what: string): Error {
  return new Error(`${what} exited with ${run.code}: ${firstLine(run)}`)
}

const cpuRuns = 5
let warmCpu = { cli: 0, aws: 0 }

/** User + system CPU seconds of one run of `command`, measured by /usr/bin/time. */
async function cpuSeconds(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const file = join(work, `time-${Math.random().toString(36).slice(2)}.txt`)
  const run = await runTimed('/usr/bin/time', ['-f', '%U %S', '-o', file, command, ...args], { env })
  if (run.code !== 0) throw failed(run, `${command} (timed)`)
  const [user = 0, sys = 0] = readFileSync(file, 'utf8').trim().split(/\s+/).map(Number)
  return user + sys
}

const sections: string[] = []
const loadAtStart = load()
afterAll(() => {
  if (sections.length === 0) return
  writeSection(
    'bench/calls — AWS calls per create, and creates against the default quota',
    `Machine: ${machine()}; 1-minute load average ${loadAtStart} at the start, ${load()} at the end (the VM is shared).\n\n${sections.join('\n\n')}`
  )
})

// ---------------------------------------------------------------------------------------------------
// 1. Calls per create

interface CallsRow {
  label: string
  steps: Array<{ name: string; counts: Counts; ms: number }>
  target: { connect: number; what: string }
}

function callsTable(rows: CallsRow[], stepNames: string[]): string {
  const lines = [
    `| create | ${stepNames.map((s) => `${s}: Connect calls (by operation)`).join(' | ')} | STS calls | throttled (429) | Connect target | verdict | wall |`,
    `| --- | ${stepNames.map(() => '---').join(' | ')} | --- | --- | --- | --- | --- |`
  ]
  for (const row of rows) {
    const cells = stepNames.map((name) => {
      const step = row.steps.find((s) => s.name === name)
      return step ? `**${total(step.counts.connect)}** (${listOf(step.counts.connect)})` : '—'
    })
    const sts = row.steps.reduce((n, s) => n + total(s.counts.sts), 0)
    const throttled = row.steps.reduce((n, s) => n + s.counts.throttled, 0)
    const measured = row.steps
      .filter((s) => row.target.what.includes(s.name) || row.target.what === 'all')
      .reduce((n, s) => n + total(s.counts.connect), 0)
    const verdict = measured <= row.target.connect ? 'met' : 'NOT met'
    const wall = row.steps.map((s) => `${Math.round(s.ms)}`).join(' + ')
    lines.push(
      `| ${row.label} | ${cells.join(' | ')} | ${sts} | ${throttled} | ${row.target.what === 'all' ? '' : `${row.target.what}: `}${row.target.connect === 1 ? '= 1' : `≤ ${row.target.connect}`} | ${verdict} | ${wall} ms |`
    )
  }
  return lines.join('\n')
}

it('bench/calls: calls per create, CLI and app service, cold and warm', async () => {
  await setUp()
  const sandbox = await sandboxOnPort()
  try {
    // The CLI: a fresh data folder is cold; the same folder again is warm.
    const cliRows: CallsRow[] = []
    const folders = { id: freshFolder('cli-id'), alias: freshFolder('cli-alias') }
    const cliCases = [
      { label: 'cold, by ID', folder: folders.id, instance: instanceId, target: 6 },
      { label: 'warm, by ID', folder: folders.id, instance: instanceId, target: 1 },
      { label: 'cold, by alias', folder: folders.alias, instance: alias, target: 7 },
      { label: 'warm, by alias', folder: folders.alias, instance: alias, target: 1 }
    ]
    let n = 0
    for (const c of cliCases) {
      await sleep(refillMs)
      const username = `calls${n++}`
      const { value, counts, ms } = await counted(sandbox, () =>
        runCli(createArgs(username, c.instance), cliEnv(c.folder))
      )
      if (value.code !== 0) throw failed(value, `create ${c.label}`)
      cliRows.push({
        label: `CLI \`create\`, ${c.label}`,
        steps: [{ name: 'create', counts, ms }],
        target: { connect: c.target, what: 'all' }
      })
    }
    // One more warm create under --cpu-prof: where a warm create's time goes (not in the table).
    await sleep(refillMs)
    const profileDir = join(work, 'warm-create-profile')
    const profiled = await runTimed(
      process.execPath,
      ['--cpu-prof', `--cpu-prof-dir=${profileDir}`, cliBin(), ...createArgs(`calls${n++}`, instanceId)],
      { env: cliEnv(folders.id) }
    )
    if (profiled.code !== 0) throw failed(profiled, 'profiled warm create')
    const warmSplit = describeSplit(summariseProfile(profileDir), 6)
    // CPU time (user + sys) of a warm create, CLI and aws: less sensitive than wall time to other load.
    const cpu = { cli: [] as number[], aws: [] as number[] }
    for (let i = 0; i < cpuRuns; i++) {
      await sleep(refillMs)
      cpu.cli.push(
        await cpuSeconds(
          process.execPath,
          [cliBin(), ...createArgs(`calls${n++}`, instanceId)],
          cliEnv(folders.id)
        )
      )
      await sleep(refillMs)
      cpu.aws.push(await cpuSeconds(awsCli, awsCreateArgs(`cpu${n++}`), awsEnv()))
    }
    warmCpu = { cli: median(cpu.cli), aws: median(cpu.aws) }

    // The app's service, in this process as the app runs it: one Services per app start.
    const env = awsEnv()
    Object.assign(process.env, {
      AWS_CONFIG_FILE: env['AWS_CONFIG_FILE'],
      AWS_SHARED_CREDENTIALS_FILE: env['AWS_SHARED_CREDENTIALS_FILE'],
      AWS_EC2_METADATA_DISABLED: 'true'
    })
    const appServices = (folder: string): Services =>
      createServices({
        name: 'bench',
        version: '0',
        userDataPath: folder,
        settings: memorySettings(),
        openStore: openFileDocumentStore,
        notices: [],
        emit: () => {},
        env
      })
    const template: TemplateInput = {
      name: 'bench',
      routingProfile: 'Sales Inbound',
      securityProfiles: ['Agent'],
      phone: { mode: 'classic', phoneType: 'SOFT_PHONE', autoAccept: false, afterContactWorkSeconds: 0 }
    }
    const person = (
      username: string
    ): { username: string; firstName: string; lastName: string; email: string; password: string } => ({
      username,
      firstName: 'A',
      lastName: 'B',
      email: `${username}@example.com`,
      password: 'BenchPassw0rd'
    })
    const appRows: CallsRow[] = []
    const appFolders = { id: freshFolder('app-id'), alias: freshFolder('app-alias') }
    /** One app start on `folder`: its Services, built when first used (the stores are read then). */
    const appStart = (folder: string): (() => Services) => {
      let services: Services | undefined
      return () => (services ??= appServices(folder))
    }
    const byId = appStart(appFolders.id)
    const byAlias = appStart(appFolders.alias)
    const appCases = [
      { label: 'cold, by ID', app: byId, instance: instanceId, target: 1 },
      { label: 'warm, by ID', app: byId, instance: instanceId, target: 1 },
      { label: 'cold, by alias', app: byAlias, instance: alias, target: 1 },
      { label: 'warm, by alias', app: byAlias, instance: alias, target: 1 },
      {
        label: 'warm after an app restart, by ID',
        app: appStart(appFolders.id),
        instance: instanceId,
        target: 1
      }
    ]
    for (const c of appCases) {
      await sleep(refillMs)
      const services = c.app()
      const target = services.gateway.target({ profile })
      const steps: CallsRow['steps'] = []
      let context: InstanceContext = { ...target, instanceId: c.instance }
      if (c.instance === alias) {
        const resolved = await counted(sandbox, () => services.directory.resolveInstance(target, alias))
        context = resolved.value
        steps.push({ name: 'alias → ID', counts: resolved.counts, ms: resolved.ms })
      }
      const input = { context, template, person: person(`app${n++}`) }
      const preview = await counted(sandbox, () => services.createUser.preview(input))
      if (preview.value.problems.length || preview.value.duplicate)
        throw new Error(`preview ${c.label} refused: ${JSON.stringify(preview.value.problems)}`)
      steps.push({ name: 'preview', counts: preview.counts, ms: preview.ms })
      const created = await counted(sandbox, () => services.createUser.create(input))
      steps.push({ name: 'create', counts: created.counts, ms: created.ms })
      appRows.push({
        label: `app service, ${c.label}`,
        steps,
        target: { connect: c.target, what: 'create' }
      })
    }

    sections.push(`### Calls per create, counted at the Sandbox

| create | Connect calls (by operation) | STS calls | throttled (429) | target (Connect calls) | verdict | wall |
| --- | --- | --- | --- | --- | --- | --- |
${cliRows
  .map((row) => {
    const step = row.steps[0]
    if (!step) return ''
    const connect = total(step.counts.connect)
    const target = row.target.connect
    return `| ${row.label} | **${connect}** (${listOf(step.counts.connect)}) | ${total(step.counts.sts)} (${listOf(step.counts.sts)}) | ${step.counts.throttled} | ${target === 1 ? '= 1' : `≤ ${target}`} | ${connect <= target ? 'met' : 'NOT met'} | ${Math.round(step.ms)} ms |`
  })
  .join('\n')}

The app's service, in this process: \`createServices\` as the CLI builds it, the same AWS config
(profile \`${profile}\`), \`preview\` (what **Check and preview** sends) then \`create\` (what **Create
user** sends). By alias, the instance is first resolved as the CLI does (\`directory.resolveInstance\`).
"Warm after an app restart" is a new \`Services\` on the first data folder: only the disk caches are warm.

${callsTable(appRows, ['alias → ID', 'preview', 'create'])}

Every CLI create is a new \`node bin/connect-provisioner.js create --profile ${profile} --instance ID|ALIAS
--routing-profile "Sales Inbound" --security-profile Agent … --generate-password\` process; cold is a
fresh data folder (\`CONNECT_PROVISIONER_HOME\`), warm the same folder again. The Sandbox (default quota,
${quota.rate}/s, bursts of ${quota.burst}) counts every request it receives, by operation; throttled
requests are counted too (and in their own column). Each create starts ${refillMs / 1000} s after the
previous one, so both token buckets are full. Wall is the create's whole time, process start included
for the CLI; the service's figures are time in \`preview\` / \`create\` only.

Where a warm CLI create's time goes (one more warm create by ID under \`node --cpu-prof\`; the profile's span
and its largest parts, in ms): ${warmSplit}. The app's service sends the same single CreateUser in
tens of milliseconds; the rest of the CLI's time is the process starting and loading its modules.
CPU time (user + sys, \`/usr/bin/time\`) of a warm create by ID, median of ${cpuRuns}: **${warmCpu.cli.toFixed(2)} s** for the CLI
(${cpu.cli.map((v) => v.toFixed(2)).join(', ')}), ${warmCpu.aws.toFixed(2)} s for \`aws connect create-user\` (${cpu.aws.map((v) => v.toFixed(2)).join(', ')}).`)
  } finally {
    await sandbox.close()
  }
})

// ---------------------------------------------------------------------------------------------------
// 2 and 3. Creates against the quota

interface LoopResult {
  seconds: number
  failures: number
  firstFailure: string
  createUserRequests: number
  throttled: number
  otherRequests: number
  perProcessMs: number[]
}

/** A data folder with every cache warm (one cold create against a Sandbox on the same port), buckets full. */
async function warmFolder(name: string): Promise<string> {
  const folder = freshFolder(name)
  const sandbox = await sandboxOnPort()
  try {
    const warm = await runCli(createArgs(`warm${name}`, instanceId), cliEnv(folder))
    if (warm.code !== 0) throw failed(warm, 'warm-up create')
  } finally {
    await sandbox.close()
  }
  await sleep(refillMs)
  return folder
}

/** Runs `loops` loops of `creates` sequential commands at once against a fresh Sandbox. */
async function loops(
  loopsAtOnce: number,
  creates: number,
  command: (loop: number, i: number) => Promise<TimedRun>
): Promise<LoopResult> {
  const sandbox = await sandboxOnPort()
  try {
    const runs: TimedRun[] = []
    const started = performance.now()
    await Promise.all(
      Array.from({ length: loopsAtOnce }, async (_, loop) => {
        for (let i = 0; i < creates; i++) runs.push(await command(loop, i))
      })
    )
    const seconds = (performance.now() - started) / 1000
    const bad = runs.filter((r) => r.code !== 0)
    const createUser = sandbox.stats.count('CreateUser')
    return {
      seconds,
      failures: bad.length,
      firstFailure: bad[0] ? firstLine(bad[0]) : '',
      createUserRequests: createUser,
      throttled: sandbox.stats.byStatus.get(429) ?? 0,
      otherRequests: sandbox.stats.total - createUser,
      perProcessMs: runs.map((r) => r.exitMs)
    }
  } finally {
    await sandbox.close()
  }
}

const awsCreateArgs = (username: string): string[] => [
  '--profile',
  profile,
  'connect',
  'create-user',
  '--instance-id',
  instanceId,
  '--username',
  username,
  '--password',
  'BenchPassw0rd',
  '--identity-info',
  `FirstName=A,LastName=B,Email=${username}@example.com`,
  '--phone-config',
  'PhoneType=SOFT_PHONE',
  '--security-profile-ids',
  'sp-0001-46d2-8a0b-7e9f1c2d3b4a',
  '--routing-profile-id',
  'rp-0002-4b1e-9c7a-5f3d2e1a0b9c'
]
const awsCreate = (username: string): Promise<TimedRun> =>
  runTimed(awsCli, awsCreateArgs(username), { env: awsEnv() })

const seconds = (values: number[]): string => values.map((v) => v.toFixed(1)).join(', ')
const sum = (
  results: LoopResult[],
  key: 'failures' | 'throttled' | 'createUserRequests' | 'otherRequests'
): number => results.reduce((n, r) => n + r[key], 0)

it('bench/calls: 20 sequential creates, CLI and aws', async () => {
  await setUp()
  const cli: LoopResult[] = []
  const aws: LoopResult[] = []
  for (let run = 0; run < loopRuns; run++) {
    const folder = await warmFolder(`seq${run}`)
    cli.push(
      await loops(1, loopCreates, (_, i) => runCli(createArgs(`s${run}u${i}`, instanceId), cliEnv(folder)))
    )
    await sleep(refillMs)
    aws.push(await loops(1, loopCreates, (_, i) => awsCreate(`a${run}u${i}`)))
    await sleep(refillMs)
  }
  const ideal = idealSeconds(loopCreates)
  const cliMedian = median(cli.map((r) => r.seconds))
  const awsMedian = median(aws.map((r) => r.seconds))
  const verdict = cliMedian <= ideal * 1.5 ? 'met' : 'NOT met'
  const perProcess = (results: LoopResult[]): string =>
    `${Math.round(median(results.flatMap((r) => r.perProcessMs)))} ms`
  const failures = (results: LoopResult[]): string =>
    `${sum(results, 'failures')}${results.find((r) => r.firstFailure) ? ` (${results.find((r) => r.firstFailure)?.firstFailure})` : ''}`
  sections.push(`### ${loopCreates} sequential creates at the default quota (Sandbox ${quota.rate}/s, bursts of ${quota.burst})

Quota-bound ideal: a full bucket of b = ${quota.burst} lets the first ${quota.burst} calls go at once and
each further call ${1000 / quota.rate} ms later, so N calls take (N − b) / r = (${loopCreates} − ${quota.burst}) / ${quota.rate} =
**${ideal.toFixed(1)} s** (to the last call's send). Target: the CLI within 1.5× (${(ideal * 1.5).toFixed(2)} s).

| loop of ${loopCreates} | median of ${loopRuns} | all runs (s) | × ideal | per create (median process) | CreateUser requests / 429 / other requests (all runs) | failed creates (all runs) | target | verdict |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
| \`connect-provisioner create\` (warm caches) | **${cliMedian.toFixed(1)} s** | ${seconds(cli.map((r) => r.seconds))} | ${(cliMedian / ideal).toFixed(2)}× | ${perProcess(cli)} | ${sum(cli, 'createUserRequests')} / ${sum(cli, 'throttled')} / ${sum(cli, 'otherRequests')} | ${failures(cli)} | ≤ ${(ideal * 1.5).toFixed(2)} s | ${verdict} |
| \`aws connect create-user\` (${awsCliVersion}) | **${awsMedian.toFixed(1)} s** | ${seconds(aws.map((r) => r.seconds))} | ${(awsMedian / ideal).toFixed(2)}× | ${perProcess(aws)} | ${sum(aws, 'createUserRequests')} / ${sum(aws, 'throttled')} / ${sum(aws, 'otherRequests')} | ${failures(aws)} | (comparison) | |

Each measured loop runs against a fresh Sandbox on the same port (its bucket starts full). Before each
CLI loop one cold create against another Sandbox on that port warms a fresh data folder (identity,
instance and lookups cached), then ${refillMs / 1000} s pass so the CLI's own bucket (${quota.burst - 1} at ${quota.rate}/s, in the
data folder) is full too; the loop therefore measures warm creates. The \`aws\` loop passes IDs (it
cannot resolve names), uses \`AWS_CONFIG_FILE\` with the printed profile, and runs \`${awsCli}\` directly
(pyenv's shim in front of it adds about 1.5 s a process on this machine); AWS CLI v1 retries throttling
itself (legacy mode, up to 5 attempts).

What bounds the loops: one create after another, each a new process, takes at least ${loopCreates} × the
median process time (${perProcess(cli)} for the CLI, ${perProcess(aws)} for \`aws\`${warmCpu.cli ? `; ${warmCpu.cli.toFixed(2)} s and ${warmCpu.aws.toFixed(2)} s of CPU each, measured above` : ''}) =
${((loopCreates * median(cli.flatMap((r) => r.perProcessMs))) / 1000).toFixed(1)} s and ${((loopCreates * median(aws.flatMap((r) => r.perProcessMs))) / 1000).toFixed(1)} s, against ${ideal.toFixed(1)} s for the quota alone: the loops are bound
by process start-up, not by the quota (no request was throttled). Where a warm CLI create's time goes is
profiled under "Calls per create" above.`)
}, 1_500_000)

it('bench/calls: 4 parallel CLI loops sharing one data folder', async () => {
  await setUp()
  const folder = await warmFolder('parallel')
  const result = await loops(parallelLoops, loopCreates, (loop, i) =>
    runCli(createArgs(`p${loop}u${i}`, instanceId), cliEnv(folder))
  )
  const calls = parallelLoops * loopCreates
  const ideal = idealSeconds(calls)
  sections.push(`### ${parallelLoops} parallel CLI loops × ${loopCreates} creates, one data folder, default quota

| measure | result | ideal / target | verdict |
| --- | --- | --- | --- |
| failed creates | **${result.failures}**${result.firstFailure ? ` (${result.firstFailure})` : ''} | 0 | ${result.failures === 0 ? 'met' : 'NOT met'} |
| total time for ${calls} creates | **${result.seconds.toFixed(1)} s** | (${calls} − ${quota.burst}) / ${quota.rate} = ${ideal.toFixed(1)} s | ${(result.seconds / ideal).toFixed(2)}× ideal |
| CreateUser requests at the Sandbox / throttled (429) / other requests | ${result.createUserRequests} / ${result.throttled} / ${result.otherRequests} | ${calls} / 0 / 0 | |
| per create (median process, spawn → exit) | ${Math.round(median(result.perProcessMs))} ms | | |

Four loops run at once, as four terminals on one workstation would: each loop is ${loopCreates} sequential
\`connect-provisioner create\` processes (distinct usernames), all with the same warm data folder, so they
share its caches and its token bucket (\`pace/\` in the data folder), against one fresh Sandbox.
${parallelLoops} processes at a time share this machine's ${cpus().length} cores, so each create's process takes longer than in the
sequential loop; ${result.throttled === 0 ? 'no request was throttled, so the Sandbox never had to refuse a call: the shared bucket kept the processes in step' : `${result.throttled} requests were throttled (each retried by the CLI)`}.`)
}, 1_200_000)
