/**
 * bench/cli-start (issue 9): how long the CLI takes from spawn to its first output, and to its exit, for
 * commands that send nothing: `--help`, `profiles --json` over 500 profiles, and `templates list` (empty,
 * and with 50 templates), each in fresh processes, beside an empty `node`. Target: < 300 ms median.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { it } from 'vitest'
import { generateAwsFiles } from './aws-profiles'
import { cliBin, load, runCli, runTimed, type TimedRun } from './cli-run'
import { describeSplit, summariseProfile } from './cpu-profile'
import { machine, median, writeSection } from './results'

const runs = 9
const targetMs = 300
const templateCount = 50

/** The documented templates file (docs/template-format.md) with `count` templates. */
function templatesFile(count: number): string {
  const routing = ['Sales Inbound', 'Support Tier 1', 'Support Tier 2', 'Outbound Collections']
  const groups = ['EMEA/London/Tier 1', 'EMEA/London/Tier 2', 'EMEA/Dublin', 'AMER/Seattle']
  const templates = Array.from({ length: count }, (_, i) => ({
    name: `Template ${String(i + 1).padStart(2, '0')} ${routing[i % routing.length]}`,
    description: `Generated for bench/cli-start (${i + 1} of ${count})`,
    routingProfile: routing[i % routing.length],
    securityProfiles: i % 3 ? ['Agent'] : ['Agent', 'QualityAnalyst'],
    hierarchyGroup: groups[i % groups.length],
    phone:
      i % 4
        ? {
            mode: 'classic',
            phoneType: 'SOFT_PHONE',
            autoAccept: i % 2 === 0,
            afterContactWorkSeconds: 30 * i
          }
        : {
            mode: 'per-channel',
            channels: {
              VOICE: { autoAccept: true, afterContactWorkSeconds: 60 },
              CHAT: { autoAccept: false }
            },
            voice: { phoneType: 'SOFT_PHONE' }
          },
    tags: { site: i % 2 ? 'london' : 'dublin', team: `t${i % 7}` },
    rules: { usernamePattern: '{first}.{last}', emailDomain: 'example.com' },
    updatedAt: '2026-11-28T12:00:00.000Z'
  }))
  return JSON.stringify({ format: 'connect-provisioner/templates', version: 1, templates }, null, 2)
}

interface Case {
  label: string
  command: string
  args: string[]
  env: NodeJS.ProcessEnv
  /** A fresh data folder for each run (the command must find it empty). */
  freshHome?: boolean
  /** Not the CLI: no target, no profile. */
  baseline?: boolean
}

interface Measured {
  firstByte: number[]
  exit: number[]
  where?: string
}

const ms = (values: number[]): string => values.map((v) => v.toFixed(0)).join(', ')

it('bench/cli-start', async () => {
  const loadAtStart = load()
  const work = mkdtempSync(join(tmpdir(), 'cp-bench-cli-start-'))
  const base: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) => !/^AWS_(PROFILE|REGION|DEFAULT_REGION|CONFIG_FILE|SHARED_CREDENTIALS_FILE)$/.test(key)
    )
  )
  const emptyAws = join(work, 'no-aws')
  mkdirSync(emptyAws)
  writeFileSync(join(emptyAws, 'config'), '')
  writeFileSync(join(emptyAws, 'credentials'), '')
  const env = (home: string, aws = emptyAws): NodeJS.ProcessEnv => ({
    ...base,
    AWS_CONFIG_FILE: join(aws, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(aws, 'credentials'),
    CONNECT_PROVISIONER_HOME: home
  })

  const profilesDir = join(work, 'aws-500')
  mkdirSync(profilesDir)
  generateAwsFiles(profilesDir)

  const withTemplates = join(work, 'home-templates')
  const file = join(work, 'templates-export.json')
  writeFileSync(file, templatesFile(templateCount))
  const imported = await runCli(['templates', 'import', file], env(withTemplates))
  if (imported.code !== 0) throw new Error(`templates import failed: ${imported.stderr}`)
  const listed = await runCli(['templates', 'list', '--json'], env(withTemplates))
  const count = (JSON.parse(listed.stdout) as unknown[]).length

  const home = join(work, 'home-empty')
  const withoutExtraCas = Object.fromEntries(
    Object.entries(env(home)).filter(([key]) => key !== 'NODE_EXTRA_CA_CERTS')
  )
  const cases: Case[] = [
    { label: '`node -e 0`', command: process.execPath, args: ['-e', '0'], env: env(home), baseline: true },
    {
      label: '`node -e "process.stdout.write(\'.\')"`',
      command: process.execPath,
      args: ['-e', "process.stdout.write('.')"],
      env: env(home),
      baseline: true
    },
    {
      label: '`connect-provisioner --help`',
      command: process.execPath,
      args: [cliBin(), '--help'],
      env: env(home)
    },
    {
      label: '`connect-provisioner profiles --json`, 500 profiles',
      command: process.execPath,
      args: [cliBin(), 'profiles', '--json'],
      env: env(home, profilesDir)
    },
    {
      label: '`connect-provisioner templates list`, empty data folder',
      command: process.execPath,
      args: [cliBin(), 'templates', 'list'],
      env: env(home),
      freshHome: true
    },
    {
      label: `\`connect-provisioner templates list\`, ${count} templates`,
      command: process.execPath,
      args: [cliBin(), 'templates', 'list'],
      env: env(withTemplates)
    }
  ]
  if (process.env['NODE_EXTRA_CA_CERTS'])
    cases.push({
      label: '`connect-provisioner --help`, NODE_EXTRA_CA_CERTS unset',
      command: process.execPath,
      args: [cliBin(), '--help'],
      env: withoutExtraCas
    })

  const results = new Map<Case, Measured>(cases.map((c) => [c, { firstByte: [], exit: [] }]))
  const runOnce = async (c: Case, extraArgs: string[] = []): Promise<TimedRun> => {
    let caseEnv = c.env
    if (c.freshHome) {
      const fresh = join(work, `home-fresh-${Math.random().toString(36).slice(2)}`)
      caseEnv = { ...caseEnv, CONNECT_PROVISIONER_HOME: fresh }
    }
    const run = await runTimed(c.command, [...extraArgs, ...c.args], { env: caseEnv })
    if (run.code !== 0) throw new Error(`${c.label} exited with ${run.code}: ${run.stderr}`)
    return run
  }
  // Interleaved, so a burst of load on this shared machine hits every command alike.
  for (let run = 0; run < runs; run++) {
    for (const c of cases) {
      const result = await runOnce(c)
      const measured = results.get(c)
      measured?.exit.push(result.exitMs)
      if (result.firstByteMs !== undefined) measured?.firstByte.push(result.firstByteMs)
    }
  }
  // One more run of each CLI command under --cpu-prof, to say where its time goes (not in the medians).
  for (const c of cases) {
    if (c.baseline) continue
    const dir = join(work, `prof-${cases.indexOf(c)}`)
    await runOnce(c, ['--cpu-prof', `--cpu-prof-dir=${dir}`])
    const measured = results.get(c)
    if (measured) measured.where = describeSplit(summariseProfile(dir), 4)
    rmSync(dir, { recursive: true, force: true })
  }

  // The empty process writing one byte: what Node itself costs to first output on this machine now.
  const emptyFirstByte = median(results.get(cases[1] as Case)?.firstByte ?? [])
  const rows = cases.map((c) => {
    const m = results.get(c) ?? { firstByte: [], exit: [] }
    const first = m.firstByte.length ? median(m.firstByte) : undefined
    const verdict = c.baseline || first === undefined ? '' : first < targetMs ? 'met' : 'NOT met'
    const delta = first === undefined ? 0 : Math.round(first - emptyFirstByte)
    const over = c.baseline || first === undefined ? '' : `${delta < 0 ? '−' : '+'}${Math.abs(delta)} ms`
    return `| ${c.label} | ${first === undefined ? '—' : `**${first.toFixed(0)} ms**`} | ${ms(m.firstByte) || '—'} | ${over} | ${median(m.exit).toFixed(0)} ms | ${ms(m.exit)} | ${c.baseline ? '' : `< ${targetMs} ms`} | ${verdict} | ${m.where ?? ''} |`
  })
  writeSection(
    'bench/cli-start — CLI start to first output',
    `Machine: ${machine()}; 1-minute load average ${loadAtStart} at the start, ${load()} at the end (the VM is shared).

| command (fresh process each run) | spawn → first byte on stdout, median of ${runs} | all runs (ms) | over the empty process's first byte | spawn → exit, median | all runs (ms) | target (first output) | verdict | where one profiled run's time goes (\`--cpu-prof\`, ms) |
| --- | --- | --- | --- | --- | --- | --- | --- | --- |
${rows.join('\n')}

Times are as this process sees them: from \`spawn\` to the first chunk on the child's stdout, and to its
exit. The commands run interleaved, ${runs} rounds, so load on this shared 2-core VM falls on all of them
alike. \`profiles --json\` reads the generated 500-profile config and credentials of bench/profiles;
\`templates list\` reads a fresh empty data folder each run, or one holding ${count} templates imported with
\`templates import\` from a file in the documented format. NODE_EXTRA_CA_CERTS is ${process.env['NODE_EXTRA_CA_CERTS'] ? 'set here (Node loads that CA bundle before any code runs)' : 'not set here'}.
"Over the empty process" is the command's first byte minus that of \`node\` writing one byte: what the
CLI adds to Node's own start (the row without NODE_EXTRA_CA_CERTS also saves the bundle's load). The last column is one extra run under
\`node --cpu-prof\` (not in the medians): the profile's span and its largest parts, by Node loading
modules (resolving, reading, decoding, compiling), npm package, this project's bundle and GC. Run it
with \`npm run bench\`.`
  )
  console.log(rows.map((r) => r.split(' | ').slice(0, 2).join(' ')).join('\n'))
})
