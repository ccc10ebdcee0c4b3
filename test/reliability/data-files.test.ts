/**
 * The app's data files under bad files, races and hostile sizes (issue 10, the data-file part): every
 * historical and hostile shape of templates.json, lookups.json, account-cache.json, settings.json and
 * the Sandbox state is generated here, in temporary folders, and opened through both store
 * implementations (electron-store in the app, plain files in the CLI). Nothing is lost, nothing that
 * was not understood is rewritten, a file moved aside keeps its original bytes and the CLI names it on
 * stderr, files are 0600 in a 0700 folder, and every case finishes in bounded time. The figures at the
 * end (inputs tried, crashes, data lost) are the ones docs/reliability.md reports.
 */
import { spawn, spawnSync } from 'node:child_process'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { openElectronDocumentStore } from '../../src/main/adapters/document-store'
import { openSettingsStore } from '../../src/main/adapters/settings-store'
import { runCli } from '../../src/main/cli'
import { appNetworkSettings } from '../../src/main/cli/cli-host'
import { openFileDocumentStore } from '../../src/main/cli/file-store'
import { createServices, type Services } from '../../src/main/composition'
import { ActivityService } from '../../src/main/services/activity-service'
import { AuditLog } from '../../src/main/services/audit-log'
import type { OpenDocumentStore } from '../../src/main/services/document-store'
import type { FileDialogs } from '../../src/main/services/files'
import { memorySettings, SettingsService } from '../../src/main/services/settings-service'
import { TemplateFiles } from '../../src/main/services/template-files'
import { TemplateService } from '../../src/main/services/template-service'
import { AppError } from '../../src/shared/result'
import { findInvisible } from '../../src/shared/text'
import type { InstanceLookups } from '../../src/shared/template-resolve'
import { templateLimits, templatesFormat, type TemplateInput } from '../../src/shared/templates'

const root = resolve(import.meta.dirname, '../..')
const bin = join(root, 'bin/connect-provisioner.js')
const posix = process.platform !== 'win32'

/** What the suite tried and what went wrong; all but `inputs` must stay 0. */
const tally = { inputs: 0, crashes: 0, dataLost: 0, rewrittenUnread: 0, unreported: 0 }

/** Every temporary folder, removed when done (the hostile files add up to about 60 MB). */
const folders: string[] = []

afterAll(() => {
  console.log(`data files: ${JSON.stringify(tally)}`)
  for (const dir of folders.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const folder = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'cp-data-'))
  folders.push(dir)
  return dir
}
const stores: Array<{ kind: string; open: OpenDocumentStore }> = [
  { kind: 'CLI files', open: openFileDocumentStore },
  { kind: 'electron-store', open: openElectronDocumentStore }
]
const openTemplates = (dir: string, open: OpenDocumentStore = openFileDocumentStore): TemplateService =>
  new TemplateService(() => open(dir, 'templates'), join(dir, 'templates.json'))

const services = (dir: string, open: OpenDocumentStore = openFileDocumentStore): Services =>
  createServices({
    name: 'test',
    version: '0',
    userDataPath: dir,
    settings: memorySettings(),
    openStore: open,
    notices: [],
    emit: () => {}
  })

const bom = Buffer.from([0xef, 0xbb, 0xbf])
const bytes = (text: string): Buffer => Buffer.from(text, 'utf8')
const json = (value: unknown): Buffer => bytes(JSON.stringify(value, null, 2))
const mode = (path: string): number => statSync(path).mode & 0o777
const corruptFiles = (dir: string, base: string): string[] =>
  readdirSync(dir).filter((f) => f.startsWith(`${base}.corrupt-`))

/**
 * Runs `work` on one input, timing it and counting a crash: anything thrown but a deliberate refusal
 * (an AppError, whose message tells the admin what to do).
 */
function guarded<T>(work: () => T): T {
  tally.inputs++
  const started = performance.now()
  try {
    return work()
  } catch (error) {
    if (!(error instanceof AppError)) tally.crashes++
    throw error
  } finally {
    expect(performance.now() - started, 'each case finishes in bounded time').toBeLessThan(5_000)
  }
}

// ---- templates: every shape the file has had, and hostile ones ----------------------------------

const tier1: TemplateInput = {
  name: 'Tier 1 voice, London',
  description: 'New starters',
  routingProfile: 'Support Tier 1',
  securityProfiles: ['Agent'],
  hierarchyGroup: 'EMEA/London/Tier 1',
  phone: {
    mode: 'classic',
    phoneType: 'DESK_PHONE',
    autoAccept: true,
    afterContactWorkSeconds: 120,
    deskPhoneNumber: '+442079460000'
  },
  tags: { site: 'london' },
  rules: { usernamePattern: '{first}.{last}', emailDomain: 'example.com' },
  updatedAt: '2026-11-28T12:00:00.000Z'
}
const perChannel: TemplateInput = {
  name: 'Chat and voice',
  routingProfile: 'Basic Routing Profile',
  securityProfiles: ['Agent', 'Supervisor'],
  phone: {
    mode: 'per-channel',
    channels: { VOICE: { autoAccept: true, afterContactWorkSeconds: 30 }, CHAT: { autoAccept: false } },
    voice: { phoneType: 'SOFT_PHONE', persistentConnection: true }
  },
  tags: {},
  rules: {}
}
const v1 = (templates: unknown[] = [tier1, perChannel]): Record<string, unknown> => ({
  format: templatesFormat,
  version: 1,
  templates
})

/** The flat templates of v0 (before versioning), every field it had. */
const v0Templates = [
  {
    name: 'Tier 1 voice, London',
    description: 'New starters',
    routingProfile: 'Support Tier 1',
    securityProfiles: ['Agent'],
    hierarchy: 'EMEA/London/Tier 1',
    phoneType: 'DESK_PHONE',
    autoAccept: true,
    acwTimeout: 120,
    deskPhoneNumber: '+442079460000',
    tags: { site: 'london' }
  },
  { name: 'Minimal', routingProfile: 'Basic Routing Profile', securityProfiles: ['Agent'] }
]
const v0Expected = [
  {
    name: 'Minimal',
    routingProfile: 'Basic Routing Profile',
    securityProfiles: ['Agent'],
    phone: { mode: 'classic', phoneType: 'SOFT_PHONE', autoAccept: false, afterContactWorkSeconds: 0 },
    tags: {},
    rules: {}
  },
  {
    name: 'Tier 1 voice, London',
    description: 'New starters',
    routingProfile: 'Support Tier 1',
    securityProfiles: ['Agent'],
    hierarchyGroup: 'EMEA/London/Tier 1',
    phone: {
      mode: 'classic',
      phoneType: 'DESK_PHONE',
      autoAccept: true,
      afterContactWorkSeconds: 120,
      deskPhoneNumber: '+442079460000'
    },
    tags: { site: 'london' },
    rules: {}
  }
]

/** Shapes a templates.json may not have: each must be moved aside, intact, and reported. */
function hostileTemplateFiles(): Array<{ label: string; content: Buffer; reason?: RegExp }> {
  const current = JSON.stringify(v1(), null, '\t')
  const { version: _v, ...noVersion } = v1()
  const shapes: Array<{ label: string; content: Buffer; reason?: RegExp }> = [
    { label: 'an object without templates', content: json({ foo: 1 }) },
    { label: 'templates as an object', content: json({ templates: {} }) },
    { label: 'templates as a string', content: json({ templates: 'x' }) },
    { label: 'null', content: bytes('null') },
    { label: 'a number', content: bytes('42') },
    { label: 'a string', content: bytes('"templates"') },
    { label: 'true', content: bytes('true') },
    { label: 'an array of numbers', content: json([1, 2]) },
    { label: 'an array of nulls', content: json([null]) },
    { label: 'an array of arrays', content: json([[]]) },
    { label: 'v1 without version', content: json(noVersion) },
    { label: 'v1 with version null', content: json({ ...v1(), version: null }) },
    { label: 'v1 with version "1"', content: json({ ...v1(), version: '1' }) },
    { label: 'v1 with version 0', content: json({ ...v1(), version: 0 }) },
    { label: 'v1 with version 1.5', content: json({ ...v1(), version: 1.5 }) },
    { label: 'v1 with version -1', content: json({ ...v1(), version: -1 }) },
    { label: 'v1 with version true', content: json({ ...v1(), version: true }) },
    { label: 'a newer version', content: json({ ...v1(), version: 2 }), reason: /newer/ },
    { label: 'v1 with another format', content: json({ ...v1(), format: 'something/else' }) },
    { label: 'v1 with an unknown top-level field', content: json({ ...v1(), extra: true }) },
    { label: 'v1 with an unknown template field', content: json(v1([{ ...tier1, notes: 'keep me' }])) },
    { label: 'v1 with an invalid template', content: json(v1([{ ...tier1, securityProfiles: [] }])) },
    { label: 'v1 with a template that is null', content: json(v1([null])) },
    {
      label: 'v1 with two templates of one name',
      content: json(v1([tier1, { ...perChannel, name: tier1.name.toUpperCase() }])),
      reason: /named/
    },
    { label: 'v0 list with an unknown field', content: json([{ ...v0Templates[0], notes: 'keep me' }]) },
    { label: 'v0 list holding a v1 template', content: json([tier1]) },
    { label: 'v0 object with an unknown field', content: json({ templates: v0Templates, owner: 'me' }) },
    { label: 'v0 object holding v1 templates', content: json({ templates: [tier1] }) },
    { label: 'v0 with an invalid template', content: json([{ name: 'x', securityProfiles: ['Agent'] }]) },
    { label: 'v0 with a wrong type', content: json([{ ...v0Templates[1], acwTimeout: '120' }]) },
    {
      label: 'invalid UTF-8 in a name',
      content: Buffer.concat([
        bytes(current.slice(0, 60)),
        Buffer.from([0xc3, 0x28]),
        bytes(current.slice(60))
      ])
    },
    { label: 'a NUL in a name', content: json(v1([{ ...tier1, name: 'Tier\u00001' }])) },
    { label: 'an ESC in a name', content: json(v1([{ ...tier1, name: '\u001b[2JTier 1' }])) },
    { label: 'a bidi override in a name', content: json(v1([{ ...tier1, name: 'Tier \u202e1' }])) },
    {
      label: 'a 5 MB security-profile name',
      content: json(v1([{ ...tier1, securityProfiles: ['A'.repeat(5_000_000)] }]))
    },
    {
      label: 'a 1 MB hierarchy path',
      content: json(v1([{ ...tier1, hierarchyGroup: 'EMEA/'.repeat(200_000) + 'X' }]))
    },
    {
      label: 'a file over the size limit',
      content: bytes(
        JSON.stringify(v1([{ ...tier1, description: 'x'.repeat(400) }]), null, '\t') +
          ' '.repeat(templateLimits.fileBytes)
      ),
      reason: /MB/
    },
    {
      label: 'deep nesting',
      content: bytes('{"templates":' + '['.repeat(100_000) + ']'.repeat(100_000) + '}')
    },
    { label: 'a prototype key', content: bytes('{"__proto__": {"templates": []}, "templates": []}') },
    { label: 'BOM then garbage', content: Buffer.concat([bom, bytes('garbage')]) },
    { label: 'two BOMs', content: Buffer.concat([bom, bom, bytes(current)]) },
    { label: 'UTF-16', content: Buffer.from(`\ufeff${current}`, 'utf16le') }
  ]
  for (const cut of [1, 10, 100, Math.floor(current.length / 2), current.length - 1])
    shapes.push({ label: `truncated at ${cut}`, content: bytes(current.slice(0, cut)) })
  return shapes
}

describe.each(stores)('templates.json through $kind', ({ open }) => {
  it('upgrades every historical shape without losing a field, and leaves a current file untouched', () => {
    const cases: Array<{ label: string; content: Buffer }> = [
      { label: 'v0, a bare list', content: json(v0Templates) },
      { label: 'v0, a list in an object', content: json({ templates: v0Templates }) },
      { label: 'v0 with a BOM', content: Buffer.concat([bom, json(v0Templates)]) },
      {
        label: 'the v0 fixture',
        content: readFileSync(join(import.meta.dirname, '../fixtures/templates-v0.json'))
      }
    ]
    for (const { label, content } of cases) {
      const dir = folder()
      writeFileSync(join(dir, 'templates.json'), content)
      const service = guarded(() => openTemplates(dir, open))
      expect(service.recovery, label).toBeUndefined()
      if (label === 'the v0 fixture') {
        expect(service.get('Tier 1 voice, London').phone).toEqual({
          mode: 'classic',
          phoneType: 'SOFT_PHONE',
          autoAccept: true,
          afterContactWorkSeconds: 120
        })
        continue
      }
      expect(service.list(), label).toEqual(v0Expected)
      const written = JSON.parse(readFileSync(join(dir, 'templates.json'), 'utf8')) as Record<string, unknown>
      expect(written, label).toEqual({ format: templatesFormat, version: 1, templates: expect.any(Array) })
      expect(openTemplates(dir, open).list(), label).toEqual(v0Expected)
      if (JSON.stringify(service.list()) !== JSON.stringify(v0Expected)) tally.dataLost++
    }
    for (const content of [json(v1()), Buffer.concat([bom, json(v1())])]) {
      const dir = folder()
      const file = join(dir, 'templates.json')
      writeFileSync(file, content)
      const service = guarded(() => openTemplates(dir, open))
      expect(service.recovery).toBeUndefined()
      expect(service.list().map((t) => t.name)).toEqual(['Chat and voice', 'Tier 1 voice, London'])
      expect(service.get('Tier 1 voice, London')).toEqual({ ...tier1 })
      expect(readFileSync(file).equals(content), 'a current file is not rewritten by reading it').toBe(true)
    }
    for (const content of [undefined, bytes(''), bytes('  \n'), bytes('{}')]) {
      const dir = folder()
      if (content) writeFileSync(join(dir, 'templates.json'), content)
      const service = guarded(() => openTemplates(dir, open))
      expect(service.recovery).toBeUndefined()
      expect(service.list()).toEqual([])
    }
  })

  it('moves every unrecognised shape aside with its bytes, reports it, and never rewrites it', () => {
    for (const { label, content, reason } of hostileTemplateFiles()) {
      const dir = folder()
      const file = join(dir, 'templates.json')
      writeFileSync(file, content, { mode: 0o644 })
      let service: TemplateService
      try {
        service = guarded(() => openTemplates(dir, open))
      } catch (error) {
        throw new Error(`${label}: ${(error as Error).message}`, { cause: error })
      }
      const recovery = service.recovery
      if (!recovery) {
        tally.unreported++
        const now = existsSync(file) ? readFileSync(file) : undefined
        if (!now?.equals(content)) tally.rewrittenUnread++
        expect.fail(`${label}: not reported (list: ${JSON.stringify(service.list()).slice(0, 200)})`)
      }
      if (reason) expect(recovery.reason, label).toMatch(reason)
      expect(recovery.reason.length, `${label}: the reason is short`).toBeLessThan(600)
      expect(findInvisible(recovery.reason), `${label}: no raw control character in the reason`).toBe(
        undefined
      )
      expect(corruptFiles(dir, 'templates'), label).toHaveLength(1)
      if (!readFileSync(recovery.movedTo).equals(content)) tally.dataLost++
      expect(readFileSync(recovery.movedTo).equals(content), `${label}: the original bytes`).toBe(true)
      if (posix) expect(mode(recovery.movedTo), label).toBe(0o600)
      expect(existsSync(file), `${label}: nothing written in its place until a save`).toBe(false)
      expect(service.list(), label).toEqual([])
      service.save({ ...perChannel, name: 'After recovery' })
      expect(readFileSync(recovery.movedTo).equals(content), `${label}: still intact`).toBe(true)
      expect(
        openTemplates(dir, open)
          .list()
          .map((t) => t.name)
      ).toEqual(['After recovery'])
    }
  })
})

// ---- the CLI says what it moved aside -------------------------------------------------------------

interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/** Runs the CLI in this process with its data folder at `dir` (runs must not overlap). */
async function cli(argv: string[], dir: string): Promise<CliResult> {
  const out: string[] = []
  const err: string[] = []
  const exitCode = process.exitCode
  try {
    const code = await runCli(argv, {
      out: (line) => out.push(line),
      err: (line) => err.push(line),
      env: {
        CONNECT_PROVISIONER_HOME: dir,
        AWS_CONFIG_FILE: join(dir, 'none'),
        AWS_SHARED_CREDENTIALS_FILE: join(dir, 'none')
      },
      stdin: () => Promise.resolve(''),
      ask: () => Promise.reject(new Error('no terminal'))
    })
    return { code, stdout: out.join('\n'), stderr: err.join('\n') }
  } finally {
    process.exitCode = exitCode
  }
}

const validLookups: InstanceLookups = {
  instanceId: 'i-1',
  alias: 'alpha',
  accountId: '111122223333',
  region: 'us-east-1',
  fetchedAt: '2026-11-28T00:00:00.000Z',
  routingProfiles: [{ id: 'rp-1', name: 'Support Tier 1' }],
  securityProfiles: [{ id: 'sp-1', name: 'Agent' }],
  hierarchyGroups: [{ id: 'g-1', name: 'Tier 1', path: ['EMEA', 'London', 'Tier 1'] }],
  hierarchyLevels: ['Region', 'Site', 'Team']
}
const lookupsKey = '111122223333/us-east-1/i-1'
const lookupsFile = (entry: unknown): Buffer => json({ version: 1, instances: { [lookupsKey]: entry } })

/** lookups.json variants: `ok` ones load; the others are moved aside and reported. */
function lookupsVariants(): Array<{ label: string; content: Buffer; ok: boolean }> {
  const { fetchedAt: _f, ...noTime } = validLookups
  return [
    { label: 'valid', content: lookupsFile(validLookups), ok: true },
    { label: 'valid with a BOM', content: Buffer.concat([bom, lookupsFile(validLookups)]), ok: true },
    { label: 'empty object', content: json({}), ok: true },
    { label: 'null', content: bytes('null'), ok: false },
    { label: 'an array', content: json([validLookups]), ok: false },
    { label: 'a string', content: bytes('"x"'), ok: false },
    { label: 'instances as a list', content: json({ instances: [validLookups] }), ok: false },
    { label: 'instances null', content: json({ instances: null }), ok: false },
    { label: 'an entry null', content: lookupsFile(null), ok: false },
    { label: 'an empty entry', content: lookupsFile({}), ok: false },
    { label: 'no fetchedAt', content: lookupsFile(noTime), ok: false },
    { label: 'profiles null', content: lookupsFile({ ...validLookups, routingProfiles: null }), ok: false },
    {
      label: 'a group without a path',
      content: lookupsFile({ ...validLookups, hierarchyGroups: [{ id: 'g', name: 'Tier 1' }] }),
      ok: false
    },
    {
      label: 'a profile name a number',
      content: lookupsFile({ ...validLookups, securityProfiles: [{ id: 's', name: 7 }] }),
      ok: false
    },
    { label: 'a newer version', content: json({ version: 2, instances: {} }), ok: false },
    { label: 'truncated', content: lookupsFile(validLookups).subarray(0, 40), ok: false }
  ]
}

describe('lookups.json', () => {
  it.each(stores)(
    'is schema-checked through $kind: no variant reaches resolve or drift as a TypeError',
    ({ open }) => {
      for (const { label, content, ok } of lookupsVariants()) {
        const dir = folder()
        writeFileSync(join(dir, 'lookups.json'), content)
        const built = guarded(() => services(dir, open))
        const recovery = built.lookups.recovery
        if (ok) {
          expect(recovery, label).toBeUndefined()
        } else {
          if (!recovery) tally.unreported++
          expect(recovery, label).toBeDefined()
          if (recovery && !readFileSync(recovery.movedTo).equals(content)) tally.dataLost++
          expect(readFileSync(recovery?.movedTo ?? '').equals(content), label).toBe(true)
          expect(built.appInfo.info().notices.join('\n'), label).toContain(recovery?.movedTo)
        }
        built.templates.save({ ...tier1, phone: { ...perChannel.phone } })
        const all = guarded(() => built.lookups.all())
        for (const lookups of all) expect(() => built.templates.resolve(tier1.name, lookups)).not.toThrow()
        expect(() => built.templates.drift(all)).not.toThrow()
        expect(all.length, label).toBe(ok && label !== 'empty object' ? 1 : 0)
      }
    }
  )
})

describe('the CLI reports every file it moved aside on stderr', () => {
  it('templates, lookups and account-cache variants', async () => {
    const cases: Array<{ file: string; content: Buffer }> = [
      ...hostileTemplateFiles()
        .filter((s) => s.content.length < 1_000_000)
        .map((s) => ({ file: 'templates.json', content: s.content })),
      ...lookupsVariants()
        .filter((v) => !v.ok)
        .map((v) => ({ file: 'lookups.json', content: v.content })),
      ...[
        bytes('null'),
        json([]),
        json({ identities: [] }),
        bytes('{"identities": {'),
        json({ instances: { x: 1 } })
      ].map((content) => ({ file: 'account-cache.json', content }))
    ]
    for (const { file, content } of cases) {
      const dir = folder()
      writeFileSync(join(dir, file), content)
      tally.inputs++
      const run = await cli(['templates', 'list'], dir)
      const moved = readdirSync(dir).find((f) => f.startsWith(`${file.replace(/\.json$/, '')}.corrupt-`))
      expect(moved, `${file} ${content.subarray(0, 40).toString()}`).toBeDefined()
      if (!run.stderr.includes(join(dir, moved ?? '?'))) tally.unreported++
      expect(run.stderr, `${file}: stderr names where it went`).toContain(join(dir, moved ?? '?'))
      expect(run.code).toBe(0)
      expect(readFileSync(join(dir, moved ?? '?')).equals(content)).toBe(true)
    }
  })

  it('a Sandbox state that cannot be read', async () => {
    const dir = folder()
    const content = bytes('{"accounts": [')
    writeFileSync(join(dir, 'sandbox-state.json'), content)
    tally.inputs++
    const run = await cli(['profiles'], dir)
    const moved = corruptFiles(dir, 'sandbox-state')
    expect(moved).toHaveLength(1)
    expect(run.stderr).toContain(join(dir, moved[0] ?? '?'))
    expect(readFileSync(join(dir, moved[0] ?? '?')).equals(content)).toBe(true)
  })

  it('reads an array templates file (v0) instead of erasing it', async () => {
    const dir = folder()
    writeFileSync(join(dir, 'templates.json'), json(v0Templates))
    const run = await cli(['templates', 'list'], dir)
    expect(run.stdout).not.toMatch(/No templates yet/)
    expect(run.stdout).toMatch(/Tier 1 voice, London/)
    expect(JSON.parse(readFileSync(join(dir, 'templates.json'), 'utf8')).templates).toHaveLength(2)
  })
})

// ---- settings.json --------------------------------------------------------------------------------

describe('settings.json', () => {
  const valid = { network: { proxyUrl: 'http://proxy.corp:3128/' }, recentContexts: [] }
  /** `ok`: the app reads it; `cliWarns`: the CLI, which reads only the network part, says it ignores it. */
  const variants: Array<{ label: string; content: Buffer; ok: boolean; cliWarns: boolean }> = [
    { label: 'valid', content: json(valid), ok: true, cliWarns: false },
    { label: 'valid with a BOM', content: Buffer.concat([bom, json(valid)]), ok: true, cliWarns: false },
    { label: 'null', content: bytes('null'), ok: false, cliWarns: true },
    { label: 'an array', content: json([valid]), ok: false, cliWarns: true },
    { label: 'a string', content: bytes('"x"'), ok: false, cliWarns: true },
    { label: 'network null', content: json({ network: null }), ok: false, cliWarns: true },
    {
      label: 'a proxy that is a number',
      content: json({ network: { proxyUrl: 5 } }),
      ok: false,
      cliWarns: true
    },
    { label: 'truncated', content: bytes('{"network": {'), ok: false, cliWarns: true },
    {
      label: 'a label with an ESC',
      content: json({ accountLabels: { '111122223333': { label: '\u001b[2JPROD', color: 'red' } } }),
      ok: false,
      cliWarns: false
    }
  ]

  it('the CLI never breaks on it: it warns and uses the environment', async () => {
    for (const { label, content, ok, cliWarns } of variants) {
      const dir = folder()
      writeFileSync(join(dir, 'settings.json'), content)
      const warnings: string[] = []
      const network = await guarded(() => appNetworkSettings(dir, {}, (line) => warnings.push(line)))
      expect(network, label).toEqual(ok ? { proxyUrl: 'http://proxy.corp:3128/' } : {})
      if (cliWarns) expect(warnings.join('\n'), label).toMatch(/Ignoring/)
      expect(readFileSync(join(dir, 'settings.json')).equals(content), 'the CLI never writes it').toBe(true)
    }
  })

  it('the app accepts a BOM and moves anything it does not understand aside', () => {
    for (const { label, content, ok } of variants) {
      const dir = folder()
      writeFileSync(join(dir, 'settings.json'), content)
      const { settings, recovery } = guarded(() => openSettingsStore(dir))
      if (ok) {
        expect(recovery, label).toBeUndefined()
        expect(settings.get('network'), label).toEqual(valid.network)
      } else {
        if (!recovery) tally.unreported++
        expect(recovery, label).toBeDefined()
        expect(readFileSync(recovery?.movedTo ?? '').equals(content), label).toBe(true)
      }
      expect(() => new SettingsService(settings).view()).not.toThrow()
      settings.set('windowBounds', { x: 0, y: 0, width: 800, height: 600 })
      if (posix) expect(mode(join(dir, 'settings.json')), label).toBe(0o600)
    }
  })
})

// ---- limits and linear work ----------------------------------------------------------------------

const many = (count: number, name: (i: number) => string = (i) => `Template ${i}`): TemplateInput[] =>
  Array.from({ length: count }, (_, i) => ({ ...perChannel, name: name(i) }))

describe('limits', () => {
  it('refuses a 100,000-template import quickly, with the limit in the message, and writes nothing', () => {
    const dir = folder()
    const service = openTemplates(dir)
    service.save(tier1)
    const before = readFileSync(join(dir, 'templates.json'))
    const text = JSON.stringify(v1(many(100_000)))
    const started = performance.now()
    expect(() => guarded(() => service.import(text, 'rename'))).toThrow(/at most|limit/)
    expect(performance.now() - started).toBeLessThan(3_000)
    expect(readFileSync(join(dir, 'templates.json')).equals(before)).toBe(true)
  })

  it(`imports ${templateLimits.templates.toLocaleString('en')} templates, all one name, linearly`, () => {
    const dir = folder()
    const service = openTemplates(dir)
    service.save({ ...perChannel, name: 'Same' })
    const text = JSON.stringify(v1(many(templateLimits.templates - 1, () => 'Same')))
    const started = performance.now()
    const report = guarded(() => service.import(text, 'rename'))
    expect(performance.now() - started, 'linear, not quadratic').toBeLessThan(4_000)
    expect(report.renamed).toHaveLength(templateLimits.templates - 1)
    expect(report.renamed.at(-1)?.to).toBe(`Same (imported ${templateLimits.templates - 1})`)
    expect(openTemplates(dir).list()).toHaveLength(templateLimits.templates)
    expect(() => service.save({ ...perChannel, name: 'One too many' })).toThrow(/at most .* templates/)
    expect(() => service.import(JSON.stringify(v1(many(1, () => 'Other'))), 'skip')).toThrow(
      /at most .* templates/
    )
  })

  it('refuses huge fields and files with a message that names the field and the limit', () => {
    const service = openTemplates(folder())
    const refusals: Array<[TemplateInput, RegExp]> = [
      [{ ...tier1, securityProfiles: ['A'.repeat(5_000_000)] }, /securityProfiles\.0: .*127/],
      [{ ...tier1, hierarchyGroup: 'H/'.repeat(5_000_000) + 'X' }, /hierarchyGroup: .*504/],
      [{ ...tier1, hierarchyGroup: 'H/'.repeat(500_000) + 'X' }, /hierarchyGroup: .*504/],
      [{ ...tier1, hierarchyGroup: 'A/B/C/D/E/F' }, /hierarchyGroup: .*5 levels/],
      [{ ...tier1, hierarchyGroup: `EMEA/${'L'.repeat(101)}` }, /hierarchyGroup: .*100/],
      [{ ...tier1, routingProfile: 'R'.repeat(128) }, /routingProfile: .*127/],
      [{ ...tier1, description: 'd'.repeat(501) }, /description: .*500/],
      [{ ...tier1, rules: { usernamePattern: '{first}'.repeat(100) } }, /usernamePattern: .*100/],
      [{ ...tier1, rules: { emailDomain: `${'a'.repeat(250)}.com` } }, /emailDomain: .*253/]
    ]
    for (const [input, message] of refusals) {
      const started = performance.now()
      expect(() => guarded(() => service.save(input))).toThrow(message)
      const file = JSON.stringify(v1([input]))
      expect(() => service.import(file, 'skip')).toThrow(
        file.length > templateLimits.fileBytes ? /MB/ : message
      )
      expect(performance.now() - started).toBeLessThan(2_000)
    }
    const huge = JSON.stringify(v1([tier1])) + ' '.repeat(templateLimits.fileBytes)
    expect(() => guarded(() => service.import(huge, 'skip'))).toThrow(/MB/)
    expect(service.list()).toEqual([])
  })

  it('imports a file that starts with a byte-order mark', async () => {
    const dir = folder()
    const file = join(dir, 'bom.json')
    writeFileSync(file, Buffer.concat([bom, json(v1([tier1]))]))
    tally.inputs++
    const run = await cli(['templates', 'import', file], dir)
    expect(run.code, run.stderr).toBe(0)
    expect(
      openTemplates(dir)
        .list()
        .map((t) => t.name)
    ).toEqual([tier1.name])
  })

  it('the CLI refuses an import file over the size limit before reading it', async () => {
    const dir = folder()
    const file = join(dir, 'big.json')
    writeFileSync(file, JSON.stringify(v1([tier1])) + ' '.repeat(templateLimits.fileBytes))
    tally.inputs++
    const run = await cli(['templates', 'import', file], dir)
    expect(run.code).toBe(1)
    expect(run.stderr).toMatch(/at most 8 MB/)
    expect(existsSync(join(dir, 'templates.json'))).toBe(false)
  })
})

// ---- names the app owns --------------------------------------------------------------------------

describe('names refuse control and invisible characters', () => {
  const hostile = [
    '\u001b[2J',
    '\u0007',
    '\u0000',
    '\u202e',
    '\u202a',
    '\u2066',
    '\u2069',
    '\u200b',
    '\u200d',
    '\ufeff',
    '\u0085',
    '\u007f',
    '\t',
    '\n'
  ]

  it('in template names, saved or imported', () => {
    const service = openTemplates(folder())
    for (const c of hostile) {
      const name = `Tier${c}1`
      expect(() => guarded(() => service.save({ ...tier1, name })), JSON.stringify(c)).toThrow(
        /name: .*invisible or control character/
      )
      expect(() => service.import(JSON.stringify(v1([{ ...tier1, name }])), 'skip')).toThrow(
        /invisible or control character/
      )
    }
    for (const name of ['Zoë’s team — Tier 1', '東京 サポート', 'Support 🎧', 'Ünïcödé (copy 2)'])
      expect(service.save({ ...tier1, name }).name).toBe(name)
  })

  it('in account labels', () => {
    const settings = new SettingsService(memorySettings())
    for (const c of hostile)
      expect(() =>
        guarded(() => settings.setAccountLabel('111122223333', { label: `PR${c}OD`, color: 'red' }))
      ).toThrow(/invisible or control character/)
    expect(settings.setAccountLabel('111122223333', { label: 'PROD ✓', color: 'red' }).accountLabels).toEqual(
      {
        '111122223333': { label: 'PROD ✓', color: 'red' }
      }
    )
  })
})

// ---- two writers ---------------------------------------------------------------------------------

/** A seeded pseudo-random sequence, so a failure replays. */
function random(seed: number): () => number {
  let state = seed
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31
    return state / 2 ** 31
  }
}

describe('two writers on one folder', () => {
  it('the app holding templates in memory keeps what another process saved, and sees it without a restart', () => {
    const dir = folder()
    const app = openTemplates(dir, openElectronDocumentStore)
    app.save(tier1)
    expect(app.list()).toHaveLength(1)
    const cliService = openTemplates(dir, openFileDocumentStore)
    cliService.import(JSON.stringify(v1([perChannel])), 'skip')
    expect(
      app.list().map((t) => t.name),
      'the app reloads a changed file'
    ).toEqual(['Chat and voice', 'Tier 1 voice, London'])
    app.save({ ...tier1, name: 'Third' })
    expect(
      openTemplates(dir)
        .list()
        .map((t) => t.name)
    ).toEqual(['Chat and voice', 'Third', 'Tier 1 voice, London'])
    cliService.delete('Chat and voice')
    app.save({ ...tier1, name: 'Fourth' })
    expect(
      openTemplates(dir)
        .list()
        .map((t) => t.name),
      'a deletion is not undone'
    ).toEqual(['Fourth', 'Third', 'Tier 1 voice, London'])
  })

  it.each(stores)(
    'interleaved saves, renames, deletes and imports of three instances ($kind) match a model',
    ({ open }) => {
      const dir = folder()
      const instances = [
        openTemplates(dir, open),
        openTemplates(dir, openFileDocumentStore),
        openTemplates(dir, open)
      ]
      const model = new Map<string, string>()
      const next = random(10)
      for (let step = 0; step < 300; step++) {
        tally.inputs++
        const who = instances[Math.floor(next() * instances.length)] as TemplateService
        const names = [...model.keys()]
        const pick = names[Math.floor(next() * names.length)]
        const roll = next()
        const name = `T${Math.floor(next() * 40)}`
        try {
          if (roll < 0.4) {
            who.save({ ...perChannel, name, routingProfile: `RP ${step}` })
            if (model.has(name.toLowerCase())) throw new Error(`saved over ${name}`)
            model.set(name.toLowerCase(), `RP ${step}`)
          } else if (roll < 0.55 && pick) {
            who.save({ ...perChannel, name: pick, routingProfile: `RP ${step}` }, pick)
            model.set(pick, `RP ${step}`)
          } else if (roll < 0.7 && pick) {
            who.delete(pick)
            model.delete(pick)
          } else {
            const report = who.import(
              JSON.stringify(v1([{ ...perChannel, name, routingProfile: `RP ${step}` }])),
              'replace'
            )
            expect(report.added.length + report.replaced.length).toBe(1)
            model.set(name.toLowerCase(), `RP ${step}`)
          }
        } catch (error) {
          if (!/already exists/.test((error as Error).message) || !model.has(name.toLowerCase())) throw error
        }
        for (const instance of instances) {
          const seen = instance.list().map((t) => `${t.name.toLowerCase()}=${t.routingProfile}`)
          const expected = [...model].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k}=${v}`)
          if (JSON.stringify(seen) !== JSON.stringify(expected)) tally.dataLost++
          expect(seen, `step ${step}`).toEqual(expected)
        }
      }
    }
  )

  it('a lock left by a killed process is broken; a live one is waited for', () => {
    const dir = folder()
    const service = openTemplates(dir)
    service.save(tier1)
    const dead = spawnSync(process.execPath, [
      '-e',
      'process.stdout.write(String(process.pid))'
    ]).stdout.toString()
    const lock = join(dir, 'templates.json.lock')
    writeFileSync(lock, `${dead}:leftover`)
    const old = new Date(Date.now() - 2_000)
    utimesSync(lock, old, old)
    let started = performance.now()
    service.save(perChannel)
    expect(performance.now() - started, 'a dead holder is not waited for').toBeLessThan(1_500)
    expect(existsSync(lock)).toBe(false)
    writeFileSync(lock, `${process.ppid}:alive`)
    const older = new Date(Date.now() - 60_000)
    utimesSync(lock, older, older)
    started = performance.now()
    service.delete(perChannel.name)
    expect(performance.now() - started, 'a stale lock is broken').toBeLessThan(1_500)
    expect(
      openTemplates(dir)
        .list()
        .map((t) => t.name)
    ).toEqual([tier1.name])
  })
})

describe('concurrent CLI processes', () => {
  const built = existsSync(join(root, 'out/main/cli.js'))

  function spawnCli(args: string[], dir: string): Promise<CliResult> {
    return new Promise((resolvePromise, reject) => {
      const child = spawn(process.execPath, [bin, ...args], {
        env: { ...process.env, CONNECT_PROVISIONER_HOME: dir },
        stdio: ['ignore', 'pipe', 'pipe']
      })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
      child.on('error', reject)
      child.on('close', (code) => resolvePromise({ code: code ?? -1, stdout, stderr }))
    })
  }

  it('20 pairs of concurrent `templates import` keep all 40 templates', { timeout: 120_000 }, async () => {
    expect(built, 'run `npx electron-vite build` first: this test spawns bin/connect-provisioner.js').toBe(
      true
    )
    const dir = folder()
    const inputs = folder()
    let kept = 0
    // Four pairs (eight processes) at a time, five rounds: every pair races, and so do the pairs.
    for (let round = 0; round < 5; round++) {
      const files = Array.from({ length: 8 }, (_, i) => {
        const pair = round * 4 + Math.floor(i / 2)
        const file = join(inputs, `pair-${pair}-${i % 2}.json`)
        writeFileSync(file, JSON.stringify(v1([{ ...perChannel, name: `Pair ${pair} side ${i % 2}` }])))
        return file
      })
      tally.inputs += files.length
      const runs = await Promise.all(files.map((file) => spawnCli(['templates', 'import', file], dir)))
      for (const run of runs) expect(run.code, run.stderr).toBe(0)
      kept = openTemplates(dir).list().length
    }
    if (kept !== 40) tally.dataLost += 40 - kept
    expect(kept).toBe(40)
    if (posix) {
      expect(mode(dir)).toBe(0o700)
      expect(mode(join(dir, 'templates.json'))).toBe(0o600)
    }
    expect(readdirSync(dir).filter((f) => f.endsWith('.lock') || f.endsWith('.tmp'))).toEqual([])
  })

  it('eight CLI imports at once while the app saves: nothing lost', { timeout: 120_000 }, async () => {
    expect(built, 'run `npx electron-vite build` first').toBe(true)
    const dir = folder()
    const app = openTemplates(dir, openElectronDocumentStore)
    const files = Array.from({ length: 8 }, (_, i) => {
      const file = join(dir, `in-${i}.json`)
      writeFileSync(file, JSON.stringify(v1(many(5, (j) => `CLI ${i}.${j}`))))
      return file
    })
    tally.inputs += files.length
    const running = Promise.all(files.map((file) => spawnCli(['templates', 'import', file], dir)))
    let saved = 0
    let done = false
    void running.then(() => (done = true))
    while (!done || saved < 20) {
      app.save({ ...perChannel, name: `App ${saved++}` })
      await new Promise((r) => setTimeout(r, 5))
    }
    for (const run of await running) expect(run.code, run.stderr).toBe(0)
    const names = openTemplates(dir)
      .list()
      .map((t) => t.name)
    const missing = [
      ...Array.from({ length: saved }, (_, i) => `App ${i}`),
      ...files.flatMap((_, i) => Array.from({ length: 5 }, (_, j) => `CLI ${i}.${j}`))
    ].filter((n) => !names.includes(n))
    tally.dataLost += missing.length
    expect(missing).toEqual([])
    expect(app.list().map((t) => t.name)).toEqual(names)
  })
})

// ---- permissions ---------------------------------------------------------------------------------

describe.runIf(posix)('permissions: the data folder 0700, every file the app writes 0600', () => {
  const dialogs = (path: string): FileDialogs => ({
    saveFile: () => Promise.resolve(path),
    openFile: () => Promise.resolve(undefined)
  })

  it.each(stores)(
    'templates and lookups through $kind, even where the folder and files were open',
    ({ open }) => {
      const dir = folder()
      chmodSync(dir, 0o755)
      writeFileSync(join(dir, 'templates.json'), json(v1([tier1])), { mode: 0o644 })
      chmodSync(join(dir, 'templates.json'), 0o644)
      const built = services(dir, open)
      built.templates.save(perChannel)
      expect(mode(dir)).toBe(0o700)
      expect(mode(join(dir, 'templates.json'))).toBe(0o600)
      writeFileSync(join(dir, 'lookups.json'), '{}', { mode: 0o644 })
      chmodSync(join(dir, 'lookups.json'), 0o644)
      open(dir, 'lookups').write({ version: 1, instances: { [lookupsKey]: validLookups } })
      expect(mode(join(dir, 'lookups.json'))).toBe(0o600)
      expect(services(dir, open).lookups.all()).toEqual([validLookups])
      const fresh = join(folder(), 'nested', 'data')
      services(fresh, open).templates.save(tier1)
      expect(mode(fresh)).toBe(0o700)
      expect(mode(join(fresh, 'templates.json'))).toBe(0o600)
    }
  )

  it('settings.json, exports, the activity CSV and the audit log', async () => {
    const dir = folder()
    chmodSync(dir, 0o755)
    openSettingsStore(dir).settings.set('windowBounds', { x: 0, y: 0, width: 800, height: 600 })
    expect(mode(dir)).toBe(0o700)
    expect(mode(join(dir, 'settings.json'))).toBe(0o600)
    const built = services(dir)
    built.templates.save(tier1)
    const out = folder()
    const exported = join(out, 'export.json')
    writeFileSync(exported, 'old', { mode: 0o644 })
    chmodSync(exported, 0o644)
    await new TemplateFiles(built.templates, dialogs(exported)).exportFile()
    expect(mode(exported)).toBe(0o600)
    const audit = new AuditLog(dir)
    audit.append({
      profile: 'p',
      accountId: '111122223333',
      region: 'us-east-1',
      instanceId: 'i',
      instanceAlias: 'a',
      username: 'u',
      outcome: 'refused'
    })
    expect(mode(audit.file)).toBe(0o600)
    const csv = join(out, 'activity.csv')
    await new ActivityService(audit, dialogs(csv)).exportFile('', '')
    expect(mode(csv)).toBe(0o600)
    const cliOut = join(out, 'cli-export.json')
    expect((await cli(['templates', 'export', '--out', cliOut], dir)).code).toBe(0)
    expect(mode(cliOut)).toBe(0o600)
    const imported = folder()
    mkdirSync(join(imported, 'sub'))
    const file = join(imported, 'in.json')
    writeFileSync(file, JSON.stringify(v1([tier1])))
    expect((await cli(['templates', 'import', file], join(imported, 'sub', 'data'))).code).toBe(0)
    expect(mode(join(imported, 'sub', 'data'))).toBe(0o700)
    expect(mode(join(imported, 'sub', 'data', 'templates.json'))).toBe(0o600)
  })
})

it('tried every input without a crash or a lost byte', () => {
  expect(tally.inputs).toBeGreaterThan(100)
  expect({ ...tally, inputs: 0 }).toEqual({
    inputs: 0,
    crashes: 0,
    dataLost: 0,
    rewrittenUnread: 0,
    unreported: 0
  })
})
