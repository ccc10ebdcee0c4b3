import { afterEach, describe, expect, it } from 'vitest'
import { draftFromTemplate, emptyDraft } from '../../src/renderer/src/lib/template-draft'
import { TemplatesState } from '../../src/renderer/src/lib/templates-state.svelte'
import type { WindowApi } from '../../src/shared/api'
import type { DriftEntry, InvokeChannel, RequestOf, ResponseOf } from '../../src/shared/ipc-contract'
import type { AppErrorData, Result } from '../../src/shared/result'
import type { InstanceLookups } from '../../src/shared/template-resolve'
import { templateSchema, type Template, type TemplateInput } from '../../src/shared/templates'

type Answer<C extends InvokeChannel> =
  Result<ResponseOf<C>> | ((request: RequestOf<C>) => Result<ResponseOf<C>> | Promise<Result<ResponseOf<C>>>)
type Answers = { [C in InvokeChannel]?: Answer<C> }

/** A window.api answering from `answers` (changeable later) and recording every call. */
function installApi(answers: Answers) {
  const calls: Array<{ channel: InvokeChannel; request: unknown }> = []
  const invoke = async (channel: InvokeChannel, request: unknown): Promise<Result<unknown>> => {
    calls.push({ channel, request })
    const answer = answers[channel] as
      Result<unknown> | ((request: unknown) => Result<unknown> | Promise<Result<unknown>>) | undefined
    if (answer === undefined) throw new Error(`the test gave no answer for ${channel}`)
    return typeof answer === 'function' ? answer(request) : answer
  }
  window.api = { invoke: invoke as WindowApi['invoke'], on: () => () => {} }
  return {
    answers,
    /** The requests sent on `channel`, in order. */
    requests: (channel: InvokeChannel): unknown[] =>
      calls.filter((c) => c.channel === channel).map((c) => c.request)
  }
}

afterEach(() => {
  Reflect.deleteProperty(window, 'api')
})

const template = (input: TemplateInput): Template => templateSchema.parse(input)
const tier1 = template({
  name: 'Tier 1 London',
  description: 'Front line',
  routingProfile: 'Basic Routing Profile',
  securityProfiles: ['Agent'],
  hierarchyGroup: 'EMEA/London',
  phone: { mode: 'classic', phoneType: 'SOFT_PHONE', autoAccept: false, afterContactWorkSeconds: 0 }
})
const supervisors = template({
  name: 'Supervisors',
  routingProfile: 'Escalations',
  securityProfiles: ['CallCenterManager'],
  phone: { mode: 'per-channel', channels: { CHAT: { autoAccept: true } } }
})
const lookups: InstanceLookups = {
  instanceId: 'inst-1',
  alias: 'support',
  accountId: '111122223333',
  region: 'eu-west-2',
  fetchedAt: '2026-11-28T12:00:00.000Z',
  routingProfiles: [{ id: 'rp-1', name: 'Basic Routing Profile' }],
  securityProfiles: [{ id: 'sp-1', name: 'Agent' }],
  hierarchyGroups: [],
  hierarchyLevels: []
}
const context = { profile: 'prod', region: 'eu-west-2', instanceId: 'inst-1' }
const failure = (message: string): { ok: false; error: AppErrorData } => ({
  ok: false,
  error: { code: 'INTERNAL', message }
})

/** The answers for a world with two templates and one cached instance. */
const world = (): Answers => ({
  'templates:list': { ok: true, value: { templates: [tier1, supervisors], notices: ['moved aside'] } },
  'lookups:list': { ok: true, value: [lookups] }
})

async function loaded(answers: Answers = world()): Promise<{
  state: TemplatesState
  api: ReturnType<typeof installApi>
}> {
  const api = installApi(answers)
  const state = new TemplatesState()
  await state.load()
  return { state, api }
}

describe('TemplatesState: loading and search', () => {
  it('loads the templates, the file notices and the cached instance names', async () => {
    const { state, api } = await loaded()
    expect(state.templates).toEqual([tier1, supervisors])
    expect(state.notices).toEqual(['moved aside'])
    expect(state.lookups).toEqual([lookups])
    expect(state.error).toBeUndefined()
    expect(api.requests('templates:list')).toEqual([undefined])
    expect(api.requests('lookups:list')).toEqual([undefined])
  })

  it('shows the list error but still loads the lookups; a lookups failure keeps the last ones', async () => {
    const { state, api } = await loaded({
      'templates:list': failure('templates.json is locked'),
      'lookups:list': { ok: true, value: [lookups] }
    })
    expect(state.templates).toEqual([])
    expect(state.error).toEqual({ code: 'INTERNAL', message: 'templates.json is locked' })
    expect(state.lookups).toEqual([lookups])

    api.answers['lookups:list'] = failure('lookups.json unreadable')
    await state.load()
    expect(state.lookups).toEqual([lookups])
  })

  it('filters by name, description, profiles or hierarchy, case-insensitively', async () => {
    const { state } = await loaded()
    expect(state.filtered).toEqual([tier1, supervisors])
    state.search = 'LONDON'
    expect(state.filtered).toEqual([tier1])
    state.search = 'callcentermanager'
    expect(state.filtered).toEqual([supervisors])
    state.search = 'nothing like it'
    expect(state.filtered).toEqual([])
    state.search = '  '
    expect(state.filtered).toEqual([tier1, supervisors])
  })
})

describe('TemplatesState: the editor', () => {
  it('creates an empty draft, with no previous name', async () => {
    const { state } = await loaded()
    state.create()
    expect(state.editing).toEqual({ draft: emptyDraft(), original: JSON.stringify(emptyDraft()) })
    expect(state.dirty).toBe(false)
    state.editing!.draft.name = 'Changed'
    expect(state.dirty).toBe(true)
    state.close()
    expect(state.editing).toBeUndefined()
  })

  it('edits a template found by name whatever its case and padding; an unknown name opens nothing', async () => {
    const { state } = await loaded()
    state.edit('  tier 1 LONDON ')
    expect(state.editing).toEqual({
      draft: draftFromTemplate(tier1),
      previousName: 'Tier 1 London',
      original: JSON.stringify(draftFromTemplate(tier1))
    })
    state.editing = undefined
    state.edit('Tier 2')
    expect(state.editing).toBeUndefined()
  })

  it('opens an unsaved draft (e.g. captured from a user) without a previous name', async () => {
    const { state } = await loaded()
    state.open({ ...supervisors, name: 'Like jane' })
    // Never saved, so it counts as changed: Cancel asks before dropping it.
    expect(state.editing).toEqual({
      draft: draftFromTemplate({ ...supervisors, name: 'Like jane' }),
      original: ''
    })
    expect(state.dirty).toBe(true)
  })

  it('saves a new template, closes the editor, says so and reloads', async () => {
    const saved = template({ ...supervisors, name: 'New one' })
    const { state, api } = await loaded({ ...world(), 'templates:save': { ok: true, value: saved } })
    state.create()
    expect(await state.save(saved)).toBeUndefined()
    expect(api.requests('templates:save')).toEqual([{ template: saved }])
    expect(state.editing).toBeUndefined()
    expect(state.status).toBe('Saved “New one”.')
    expect(api.requests('templates:list')).toHaveLength(2)
  })

  it('saves an edited template under its previous name, so a rename replaces it', async () => {
    const renamed = template({ ...tier1, name: 'Tier 1 Leeds' })
    const { state, api } = await loaded({ ...world(), 'templates:save': { ok: true, value: renamed } })
    state.edit('Tier 1 London')
    await state.save(renamed)
    expect(api.requests('templates:save')).toEqual([{ template: renamed, previousName: 'Tier 1 London' }])
    expect(state.status).toBe('Saved “Tier 1 Leeds”.')
  })

  it('returns a refused save to the form and keeps the editor open', async () => {
    const refused: AppErrorData = { code: 'CONFLICT', message: 'A template named “Supervisors” exists.' }
    const { state, api } = await loaded({ ...world(), 'templates:save': { ok: false, error: refused } })
    state.edit('Tier 1 London')
    expect(await state.save({ ...tier1, name: 'Supervisors' })).toEqual(refused)
    expect(state.editing).toMatchObject({ draft: draftFromTemplate(tier1), previousName: 'Tier 1 London' })
    expect(state.status).toBeUndefined()
    expect(api.requests('templates:list')).toHaveLength(1)
  })
})

describe('TemplatesState: list actions report a status or an error, never both', () => {
  it('duplicates, then reloads; a failure replaces the status with the error', async () => {
    const copy = template({ ...tier1, name: 'Tier 1 London (2)' })
    const { state, api } = await loaded({ ...world(), 'templates:duplicate': { ok: true, value: copy } })
    state.error = { code: 'INTERNAL', message: 'old error' }
    await state.duplicate('Tier 1 London')
    expect(api.requests('templates:duplicate')).toEqual([{ name: 'Tier 1 London' }])
    expect(state.status).toBe('Duplicated as “Tier 1 London (2)”.')
    expect(state.error).toBeUndefined()
    expect(api.requests('templates:list')).toHaveLength(2)

    api.answers['templates:duplicate'] = failure('disk full')
    await state.duplicate('Tier 1 London')
    expect(state.error?.message).toBe('disk full')
    expect(state.status).toBeUndefined()
  })

  it('deletes, closing the editor only when it holds the deleted template', async () => {
    const { state, api } = await loaded({ ...world(), 'templates:delete': { ok: true, value: null } })
    state.edit('Supervisors')
    await state.remove('Tier 1 London')
    expect(api.requests('templates:delete')).toEqual([{ name: 'Tier 1 London' }])
    expect(state.status).toBe('Deleted “Tier 1 London”.')
    expect(state.editing?.previousName).toBe('Supervisors')
    await state.remove('Supervisors')
    expect(state.editing).toBeUndefined()
  })

  it('keeps the editor open when the delete fails', async () => {
    const { state } = await loaded({ ...world(), 'templates:delete': failure('locked') })
    state.edit('Supervisors')
    await state.remove('Supervisors')
    expect(state.error?.message).toBe('locked')
    expect(state.editing?.previousName).toBe('Supervisors')
  })

  it('exports all or the named templates; a cancelled dialog says nothing', async () => {
    const { state, api } = await loaded({ ...world(), 'templates:export-file': { ok: true, value: null } })
    await state.exportFile()
    expect(state.status).toBeUndefined()
    api.answers['templates:export-file'] = { ok: true, value: { path: '/tmp/t.json', count: 2 } }
    await state.exportFile(['Tier 1 London', 'Supervisors'])
    expect(api.requests('templates:export-file')).toEqual([{}, { names: ['Tier 1 London', 'Supervisors'] }])
    expect(state.status).toBe('Exported 2 template(s) to /tmp/t.json.')
    api.answers['templates:export-file'] = failure('EACCES')
    await state.exportFile()
    expect(state.error?.message).toBe('EACCES')
    expect(state.status).toBeUndefined()
  })

  it('imports with the chosen conflict rule, keeps the report and reloads; a cancel changes nothing', async () => {
    const { state, api } = await loaded({ ...world(), 'templates:import-file': { ok: true, value: null } })
    await state.importFile('skip')
    expect(state.lastImport).toBeUndefined()
    expect(api.requests('templates:list')).toHaveLength(1)

    const report = {
      added: ['A', 'B'],
      replaced: ['Supervisors'],
      renamed: [{ from: 'Tier 1 London', to: 'Tier 1 London (2)' }],
      skipped: []
    }
    api.answers['templates:import-file'] = { ok: true, value: report }
    await state.importFile('rename')
    expect(api.requests('templates:import-file')).toEqual([{ onConflict: 'skip' }, { onConflict: 'rename' }])
    expect(state.lastImport).toEqual(report)
    expect(state.status).toBe('Imported 2 new, replaced 1, renamed 1, skipped 0.')
    expect(api.requests('templates:list')).toHaveLength(2)

    api.answers['templates:import-file'] = failure('not a templates file')
    await state.importFile('replace')
    expect(state.error?.message).toBe('not a templates file')
    expect(state.lastImport).toEqual(report)
  })

  it('says why drift cannot be checked when no instance names are cached, and asks main nothing', async () => {
    const { state, api } = await loaded({ ...world(), 'lookups:list': { ok: true, value: [] } })
    await state.checkDrift()
    expect(api.requests('templates:drift')).toEqual([])
    expect(state.status).toMatch(/none are cached yet: choose an instance in Accounts/)
  })

  it('checks drift, keeping the entries or showing the error', async () => {
    const drift: DriftEntry[] = [
      {
        template: 'Tier 1 London',
        instance: {
          instanceId: 'inst-1',
          alias: 'support',
          accountId: '111122223333',
          region: 'eu-west-2',
          fetchedAt: lookups.fetchedAt
        },
        problems: [
          {
            field: 'routingProfile',
            name: 'Basic Routing Profile',
            kind: 'missing',
            suggestions: [],
            message: 'No routing profile named “Basic Routing Profile” in support.'
          }
        ]
      }
    ]
    const { state, api } = await loaded({ ...world(), 'templates:drift': { ok: true, value: drift } })
    await state.checkDrift()
    expect(api.requests('templates:drift')).toEqual([{}])
    expect(state.drift).toEqual(drift)
    api.answers['templates:drift'] = failure('no lookups')
    await state.checkDrift()
    expect(state.error?.message).toBe('no lookups')
    expect(state.drift).toEqual(drift)
  })

  it("refreshes an instance's names, then reloads", async () => {
    const { state, api } = await loaded({ ...world(), 'lookups:refresh': { ok: true, value: lookups } })
    await state.refreshLookups(context)
    expect(api.requests('lookups:refresh')).toEqual([context])
    expect(state.status).toBe('Names of support refreshed.')
    expect(api.requests('lookups:list')).toHaveLength(2)
    api.answers['lookups:refresh'] = failure('AccessDenied')
    await state.refreshLookups(context)
    expect(state.error?.message).toBe('AccessDenied')
    expect(api.requests('lookups:list')).toHaveLength(2)
  })

  it('opens "new agent like X" as an unsaved draft, or shows why it could not', async () => {
    const captured: TemplateInput = { ...supervisors, name: 'Like jane.doe' }
    const { state, api } = await loaded({
      ...world(),
      'templates:from-user': { ok: true, value: captured }
    })
    await state.fromUser(context, 'user-42')
    expect(api.requests('templates:from-user')).toEqual([{ ...context, userId: 'user-42' }])
    expect(state.editing).toEqual({ draft: draftFromTemplate(captured), original: '' })

    state.editing = undefined
    api.answers['templates:from-user'] = failure('ResourceNotFoundException')
    await state.fromUser(context, 'user-43')
    expect(state.editing).toBeUndefined()
    expect(state.error?.message).toBe('ResourceNotFoundException')
  })
})
