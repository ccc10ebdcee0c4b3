import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openFileDocumentStore } from '../../src/main/cli/file-store'
import { migrateTemplateDocument } from '../../src/main/services/template-migrations'
import { TemplateService } from '../../src/main/services/template-service'
import { createUserSettings, resolveTemplate, type InstanceLookups } from '../../src/shared/template-resolve'
import { applyUsernamePattern, templateSchema, type TemplateInput } from '../../src/shared/templates'

const folder = (): string => mkdtempSync(join(tmpdir(), 'cp-templates-'))
const open = (dir: string): TemplateService =>
  new TemplateService(() => openFileDocumentStore(dir, 'templates'), join(dir, 'templates.json'))

const tier1: TemplateInput = {
  name: 'Tier 1 voice, London',
  routingProfile: 'Support Tier 1',
  securityProfiles: ['Agent'],
  hierarchyGroup: 'EMEA/London/Tier 1',
  phone: { mode: 'classic', phoneType: 'SOFT_PHONE', autoAccept: true, afterContactWorkSeconds: 120 },
  tags: { site: 'london' },
  rules: { usernamePattern: '{first}.{last}', emailDomain: 'alpha.example.com' }
}

describe('the template schema', () => {
  it('accepts both phone forms and refuses mixed or broken ones with field-level messages', () => {
    expect(templateSchema.safeParse(tier1).success).toBe(true)
    const perChannel = {
      ...tier1,
      phone: {
        mode: 'per-channel',
        channels: { VOICE: { autoAccept: true }, CHAT: { afterContactWorkSeconds: 0 } },
        voice: { phoneType: 'SOFT_PHONE', voiceEnhancement: 'NOISE_SUPPRESSION' }
      }
    }
    expect(templateSchema.safeParse(perChannel).success).toBe(true)
    const issues = (input: unknown): string[] => {
      const parsed = templateSchema.safeParse(input)
      return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`)
    }
    expect(issues({ ...tier1, phone: { ...tier1.phone, autoAcceptConfigs: [] } })[0]).toMatch(/^phone/)
    expect(
      issues({
        ...tier1,
        phone: { mode: 'classic', phoneType: 'DESK_PHONE', autoAccept: false, afterContactWorkSeconds: 0 }
      })
    ).toEqual(['phone.deskPhoneNumber: a desk phone needs its number (E.164)'])
    expect(issues({ ...tier1, phone: { ...tier1.phone, afterContactWorkSeconds: 2_000_001 } })[0]).toMatch(
      /2,000,000 seconds/
    )
    expect(issues({ ...tier1, securityProfiles: [] })).toEqual([
      'securityProfiles: choose at least one security profile'
    ])
    expect(issues({ ...tier1, securityProfiles: Array(11).fill('Agent') })).toEqual([
      'securityProfiles: a user can have at most 10 security profiles'
    ])
    expect(issues({ ...tier1, tags: { 'aws:x': 'y' } })[0]).toMatch(/cannot start with aws:/)
    expect(
      issues({ ...tier1, tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) })
    ).toEqual(['tags: a user can have at most 50 tags'])
    expect(issues({ ...tier1, rules: { usernamePattern: '{middle}' } })[0]).toMatch(/^rules.usernamePattern/)
    expect(issues({ ...tier1, name: '  ' })).toEqual(['name: a template needs a name'])
  })

  it('makes usernames from the pattern, lower-cased and without accents', () => {
    expect(applyUsernamePattern('{first}.{last}', 'Zoë', "O'Brien")).toBe('zoe.obrien')
    expect(applyUsernamePattern('{first:1}{last}', 'Jane', 'Doe')).toBe('jdoe')
  })
})

describe('TemplateService', () => {
  it('saves, renames, duplicates and deletes, with names unique ignoring case, across restarts', () => {
    const dir = folder()
    const service = open(dir)
    service.save(tier1)
    expect(() => service.save({ ...tier1, name: 'TIER 1 VOICE, LONDON' })).toThrow(/already exists/)
    service.save({ ...tier1, name: 'Tier 1 voice, Dublin', hierarchyGroup: 'EMEA/Dublin/Tier 1' })
    service.save({ ...tier1, name: 'Tier 1 voice — London' }, 'Tier 1 voice, London')
    expect(service.duplicate('tier 1 voice, dublin').name).toBe('Tier 1 voice, Dublin (copy)')
    expect(service.duplicate('Tier 1 voice, Dublin').name).toBe('Tier 1 voice, Dublin (copy 2)')
    service.delete('Tier 1 voice, Dublin (copy 2)')
    expect(
      open(dir)
        .list()
        .map((t) => t.name)
    ).toEqual(['Tier 1 voice — London', 'Tier 1 voice, Dublin', 'Tier 1 voice, Dublin (copy)'])
    expect(() => service.get('nope')).toThrow(/no template named "nope"/)
    expect(JSON.parse(readFileSync(join(dir, 'templates.json'), 'utf8'))).toMatchObject({
      format: 'connect-provisioner/templates',
      version: 1
    })
  })

  it('upgrades a v0 file and writes it back in the current format', () => {
    const dir = folder()
    copyFileSync(join(import.meta.dirname, '../fixtures/templates-v0.json'), join(dir, 'templates.json'))
    const service = open(dir)
    expect(service.recovery).toBeUndefined()
    expect(service.get('Tier 1 voice, London')).toMatchObject({
      hierarchyGroup: 'EMEA/London/Tier 1',
      phone: { mode: 'classic', phoneType: 'SOFT_PHONE', autoAccept: true, afterContactWorkSeconds: 120 },
      tags: { site: 'london' }
    })
    expect(service.get('Desk phone supervisor').phone).toEqual({
      mode: 'classic',
      phoneType: 'DESK_PHONE',
      autoAccept: false,
      afterContactWorkSeconds: 0,
      deskPhoneNumber: '+442079460000'
    })
    expect(JSON.parse(readFileSync(join(dir, 'templates.json'), 'utf8')).version).toBe(1)
  })

  it('moves a corrupt or invalid file aside, keeps its bytes, and starts empty', () => {
    for (const content of [
      '{"format": "connect-provisioner/templates", "version": 1, "templates": [',
      JSON.stringify({ format: 'connect-provisioner/templates', version: 1, templates: [{ name: '' }] })
    ]) {
      const dir = folder()
      writeFileSync(join(dir, 'templates.json'), content)
      const service = open(dir)
      expect(service.list()).toEqual([])
      expect(service.recovery?.movedTo).toMatch(/templates\.corrupt-.*\.json$/)
      expect(readFileSync(service.recovery?.movedTo ?? '', 'utf8')).toBe(content)
      expect(readdirSync(dir).some((f) => f.startsWith('templates.corrupt-'))).toBe(true)
    }
    const newer = folder()
    writeFileSync(
      join(newer, 'templates.json'),
      JSON.stringify({ format: 'connect-provisioner/templates', version: 9, templates: [] })
    )
    expect(open(newer).recovery?.reason).toMatch(/newer Connect Provisioner \(format version 9/)
  })

  it('exports and imports with rename, replace and skip, refusing unknown versions and invalid files', () => {
    const source = open(folder())
    source.save(tier1)
    source.save({ ...tier1, name: 'Sales inbound', routingProfile: 'Sales Inbound' })
    const exported = JSON.stringify(source.export())
    const target = open(folder())
    expect(target.import(exported, 'rename')).toEqual({
      added: ['Sales inbound', 'Tier 1 voice, London'],
      replaced: [],
      renamed: [],
      skipped: []
    })
    expect(target.list().map(({ updatedAt: _u, ...t }) => t)).toEqual(
      source.list().map(({ updatedAt: _u, ...t }) => t)
    )
    expect(target.import(exported, 'skip').skipped).toHaveLength(2)
    expect(target.import(exported, 'rename').renamed).toEqual([
      { from: 'Sales inbound', to: 'Sales inbound (imported)' },
      { from: 'Tier 1 voice, London', to: 'Tier 1 voice, London (imported)' }
    ])
    expect(target.import(exported, 'replace').replaced).toHaveLength(2)
    expect(target.list()).toHaveLength(4)
    expect(() => target.import('not json', 'skip')).toThrow(/not JSON/)
    expect(() => target.import('{"templates": []}', 'skip')).toThrow(
      /not a Connect Provisioner templates file/
    )
    expect(() =>
      target.import(
        JSON.stringify({ format: 'connect-provisioner/templates', version: 2, templates: [] }),
        'skip'
      )
    ).toThrow(/format version 2/)
    expect(() =>
      target.import(
        JSON.stringify({
          format: 'connect-provisioner/templates',
          version: 1,
          templates: [{ ...tier1, securityProfiles: [] }]
        }),
        'skip'
      )
    ).toThrow(/templates\.0\.securityProfiles: choose at least one/)
    expect(target.list()).toHaveLength(4)
  })
})

describe('resolve and preview', () => {
  const lookups: InstanceLookups = {
    instanceId: 'i-1',
    alias: 'alpha',
    accountId: '111122223333',
    region: 'us-east-1',
    fetchedAt: '2026-11-28T00:00:00.000Z',
    routingProfiles: [
      { id: 'rp-1', name: 'Support Tier 1' },
      { id: 'rp-2', name: 'Sales  Inbound' }
    ],
    securityProfiles: [
      { id: 'sp-1', name: 'Agent' },
      { id: 'sp-2', name: 'Admin' }
    ],
    hierarchyGroups: [
      { id: 'g-1', name: 'Tier 1', path: ['EMEA', 'London', 'Tier 1'] },
      { id: 'g-2', name: 'Tier 1', path: ['EMEA', 'Dublin', 'Tier 1'] }
    ],
    hierarchyLevels: ['Region', 'Site', 'Team']
  }
  const template = templateSchema.parse(tier1)

  it('resolves exact names and reports near misses, missing and ambiguous names by field', () => {
    expect(resolveTemplate(template, lookups)).toEqual({
      ok: true,
      ids: { routingProfileId: 'rp-1', securityProfileIds: ['sp-1'], hierarchyGroupId: 'g-1' }
    })
    const broken = templateSchema.parse({
      ...tier1,
      routingProfile: 'sales inbound',
      securityProfiles: ['Agent', 'Supervisor'],
      hierarchyGroup: 'Tier 1'
    })
    const result = resolveTemplate(broken, lookups)
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.problems.map((p) => [p.field, p.kind, p.suggestions])).toEqual([
      ['routingProfile', 'near-miss', ['Sales  Inbound']],
      ['securityProfiles', 'missing', []],
      ['hierarchyGroup', 'ambiguous', ['EMEA/London/Tier 1', 'EMEA/Dublin/Tier 1']]
    ])
    expect(result.problems[0]?.message).toBe(
      'Routing profile "sales inbound" is not in alpha (111122223333, us-east-1); did you mean "Sales  Inbound"? Names must match exactly.'
    )
  })

  it('previews the CreateUser settings, with names standing in for IDs offline', () => {
    expect(createUserSettings(template)).toEqual({
      RoutingProfileId: '⟨Support Tier 1⟩',
      SecurityProfileIds: ['⟨Agent⟩'],
      HierarchyGroupId: '⟨EMEA/London/Tier 1⟩',
      PhoneConfig: { PhoneType: 'SOFT_PHONE', AutoAccept: true, AfterContactWorkTimeLimit: 120 },
      Tags: { site: 'london' }
    })
    const perChannel = templateSchema.parse({
      ...tier1,
      phone: {
        mode: 'per-channel',
        channels: { VOICE: { autoAccept: true, afterContactWorkSeconds: 30 }, CHAT: { autoAccept: false } },
        voice: { phoneType: 'DESK_PHONE', phoneNumber: '+442079460000', persistentConnection: true }
      }
    })
    expect(
      createUserSettings(perChannel, { routingProfileId: 'rp-1', securityProfileIds: ['sp-1'] })
    ).toMatchObject({
      RoutingProfileId: 'rp-1',
      AutoAcceptConfigs: [
        { Channel: 'VOICE', AutoAccept: true },
        { Channel: 'CHAT', AutoAccept: false }
      ],
      AfterContactWorkConfigs: [
        { Channel: 'VOICE', AfterContactWorkConfig: { AfterContactWorkTimeLimit: 30 } }
      ],
      PhoneNumberConfigs: [{ Channel: 'VOICE', PhoneType: 'DESK_PHONE', PhoneNumber: '+442079460000' }],
      PersistentConnectionConfigs: [{ Channel: 'VOICE', PersistentConnection: true }]
    })
    expect(createUserSettings(perChannel)).not.toHaveProperty('PhoneConfig')
  })
})

describe('template migrations', () => {
  const v0 = {
    name: 'Desk',
    routingProfile: 'Basic',
    securityProfiles: ['Agent'],
    hierarchy: 'EMEA/London',
    phoneType: 'DESK_PHONE',
    autoAccept: true,
    acwTimeout: 30,
    deskPhoneNumber: '+442079460000',
    tags: { site: 'london' }
  }
  const v1Phone = {
    mode: 'classic',
    phoneType: 'DESK_PHONE',
    autoAccept: true,
    afterContactWorkSeconds: 30,
    deskPhoneNumber: '+442079460000'
  }

  it('reads v0 as a bare list and as an object, mapping every v0 field', () => {
    for (const doc of [[v0], { templates: [v0] }]) {
      expect(migrateTemplateDocument(doc)).toEqual({
        doc: {
          format: 'connect-provisioner/templates',
          version: 1,
          templates: [
            {
              name: 'Desk',
              routingProfile: 'Basic',
              securityProfiles: ['Agent'],
              hierarchyGroup: 'EMEA/London',
              phone: v1Phone,
              tags: { site: 'london' }
            }
          ]
        },
        migrated: true
      })
    }
  })

  it('leaves v1 and an empty document as they are', () => {
    const current = { format: 'connect-provisioner/templates', version: 1, templates: [] }
    expect(migrateTemplateDocument(current)).toEqual({ doc: current, migrated: false })
    expect(migrateTemplateDocument({})).toEqual({ doc: current, migrated: false })
  })

  it('refuses what it does not understand instead of dropping it', () => {
    const refused: Array<[unknown, RegExp]> = [
      [null, /holds null/],
      ['x', /holds a string/],
      [{ foo: 1 }, /no "version" and no list of "templates"/],
      [{ templates: [v0], owner: 'me' }, /fields a v0 file never had \("owner"\)/],
      [[{ ...v0, phone: v1Phone }], /template 1 has fields the v0 format never had \("phone"\)/],
      [[42], /template 1 is a number/],
      [{ format: 'connect-provisioner/templates', templates: [] }, /no "version" and fields/],
      [{ format: 'connect-provisioner/templates', version: null, templates: [] }, /"version" is null/],
      [{ format: 'connect-provisioner/templates', version: '1', templates: [] }, /"version" is "1"/],
      [{ format: 'connect-provisioner/templates', version: 2, templates: [] }, /newer Connect Provisioner/]
    ]
    for (const [doc, reason] of refused) expect(() => migrateTemplateDocument(doc)).toThrow(reason)
  })
})

describe('copies and imports keep names within the limit', () => {
  it('shortens the base name so "(copy)" and "(imported N)" fit in 100 characters', () => {
    const service = open(folder())
    const long = 'L'.repeat(100)
    service.save({ ...tier1, name: long })
    expect(service.duplicate(long).name).toBe(`${'L'.repeat(93)} (copy)`)
    const file = JSON.stringify(service.export([long]))
    expect(service.import(file, 'rename').renamed[0]?.to).toBe(`${'L'.repeat(89)} (imported)`)
    expect(service.import(file, 'rename').renamed[0]?.to).toBe(`${'L'.repeat(87)} (imported 2)`)
    expect(open(folder()).list()).toEqual([])
  })
})
