/**
 * Templates against the Sandbox over real HTTP: lookups with full pagination, resolve in two accounts,
 * drift after a profile is renamed or deleted, ambiguous hierarchy names, and "new agent like X".
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openFileDocumentStore } from '../../src/main/cli/file-store'
import { createServices, type Services } from '../../src/main/composition'
import { memorySettings } from '../../src/main/services/settings-service'
import { startSandbox, type Sandbox } from '../../src/main/sandbox/server'
import type { TemplateInput } from '../../src/shared/templates'
import { demo, servicesWithDemoProfiles, unpaced } from './sandbox-helpers'

let sandbox: Sandbox
let services: Services
const alpha = { profile: 'alpha', region: 'us-east-1', instanceId: demo.alpha.instanceId }
const bravo = { profile: 'bravo', region: 'eu-west-2', instanceId: demo.bravo.instanceId }

beforeAll(async () => {
  sandbox = await startSandbox({ throttle: { rate: 0, burst: 1 } })
  ;({ services } = servicesWithDemoProfiles(sandbox, { pace: unpaced }))
})
afterAll(() => sandbox?.close())

const agentTemplate: TemplateInput = {
  name: 'Agent, basic',
  routingProfile: 'Basic Routing Profile',
  securityProfiles: ['Agent'],
  phone: { mode: 'classic', phoneType: 'SOFT_PHONE', autoAccept: false, afterContactWorkSeconds: 0 }
}
const london: TemplateInput = {
  ...agentTemplate,
  name: 'Tier 1 London',
  routingProfile: 'Support Tier 1',
  hierarchyGroup: 'EMEA/London/Tier 1'
}

describe('lookups and resolve', () => {
  it('caches every name of an instance with its hierarchy paths, and works from the cache offline', async () => {
    const lookups = await services.lookups.refresh(alpha)
    expect(lookups).toMatchObject({
      alias: 'alpha-contact-center',
      accountId: '111122223333',
      region: 'us-east-1',
      hierarchyLevels: ['Region', 'Site', 'Team']
    })
    expect(lookups.routingProfiles.map((r) => r.name)).toContain('Sales Inbound')
    expect(lookups.hierarchyGroups.filter((g) => g.name === 'Tier 1').map((g) => g.path.join('/'))).toEqual([
      'EMEA/London/Tier 1',
      'EMEA/Dublin/Tier 1',
      'AMER/Seattle/Tier 1'
    ])
    const reopened = createServices({
      name: 't',
      version: '0',
      userDataPath: services.appInfo.info().userDataPath,
      settings: memorySettings(),
      openStore: openFileDocumentStore,
      notices: [],
      emit: () => {}
    })
    expect(reopened.lookups.all().map((l) => l.alias)).toEqual(['alpha-contact-center'])
  })

  it('resolves one template in two accounts, and says exactly what is missing in the other', async () => {
    services.templates.save(agentTemplate)
    services.templates.save(london)
    const inAlpha = services.templates.resolve('Agent, basic', await services.lookups.forInstance(alpha))
    expect(inAlpha).toEqual({
      ok: true,
      ids: {
        routingProfileId: demo.alpha.rp('Basic Routing Profile'),
        securityProfileIds: [demo.alpha.sp('Agent')]
      }
    })
    const inBravo = services.templates.resolve('Agent, basic', await services.lookups.forInstance(bravo))
    expect(inBravo).toEqual({
      ok: true,
      ids: {
        routingProfileId: demo.bravo.rp('Basic Routing Profile'),
        securityProfileIds: [demo.bravo.sp('Agent')]
      }
    })
    const londonInBravo = services.templates.resolve(
      'Tier 1 London',
      await services.lookups.forInstance(bravo)
    )
    expect(londonInBravo.ok).toBe(false)
    if (!londonInBravo.ok)
      expect(londonInBravo.problems.map((p) => `${p.field}:${p.kind}`)).toEqual([
        'routingProfile:missing',
        'hierarchyGroup:missing'
      ])
  })

  it('reports drift after a profile is renamed or deleted, and an ambiguous hierarchy name', async () => {
    const instance = sandbox.state.instances.get(demo.alpha.instanceId)
    const support = instance?.routingProfiles.get(demo.alpha.rp('Support Tier 1'))
    if (!instance || !support) throw new Error('demo data missing')
    support.name = 'Support  tier 1'
    instance.securityProfiles.delete(demo.alpha.sp('Agent'))
    services.templates.save({ ...agentTemplate, name: 'Ambiguous team', hierarchyGroup: 'Tier 1' })
    await services.lookups.refresh(alpha)
    const drift = services.templates
      .drift(services.lookups.all())
      .filter((d) => d.instance.alias === 'alpha-contact-center')
    expect(drift.map((d) => [d.template, d.problems.map((p) => `${p.field}:${p.kind}:${p.name}`)])).toEqual([
      ['Agent, basic', ['securityProfiles:missing:Agent']],
      ['Ambiguous team', ['securityProfiles:missing:Agent', 'hierarchyGroup:ambiguous:Tier 1']],
      ['Tier 1 London', ['routingProfile:near-miss:Support Tier 1', 'securityProfiles:missing:Agent']]
    ])
    const nearMiss = drift.find((d) => d.template === 'Tier 1 London')?.problems[0]
    expect(nearMiss?.suggestions).toEqual(['Support  tier 1'])
    support.name = 'Support Tier 1'
    instance.securityProfiles.set(demo.alpha.sp('Agent'), { id: demo.alpha.sp('Agent'), name: 'Agent' })
    await services.lookups.refresh(alpha)
  })
})

describe('new agent like X', () => {
  it('captures an existing user’s settings as names', async () => {
    const [jane] = await services.gateway.searchUsers(alpha, 'jane.d')
    expect(jane).toMatchObject({ username: 'jane.doe', name: 'Jane Doe' })
    const draft = await services.lookups.templateFromUser(alpha, jane?.id ?? '')
    expect(draft).toEqual({
      name: 'Like jane.doe',
      description: 'Captured from jane.doe in alpha-contact-center (111122223333, us-east-1).',
      routingProfile: 'Support Tier 1',
      securityProfiles: ['Agent'],
      hierarchyGroup: 'EMEA/London/Tier 1',
      phone: { mode: 'classic', phoneType: 'SOFT_PHONE', autoAccept: true, afterContactWorkSeconds: 120 },
      tags: { team: 'support', site: 'london' }
    })
    expect(services.templates.save(draft).name).toBe('Like jane.doe')
  })
})
