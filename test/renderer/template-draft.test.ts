import { describe, expect, it } from 'vitest'
import {
  draftFromTemplate,
  emptyDraft,
  toTemplateInput,
  type TemplateDraft
} from '../../src/renderer/src/lib/template-draft'
import { channels } from '../../src/shared/connect-rules'
import { templateSchema, type TemplateInput } from '../../src/shared/templates'

/** Every field of the classic form set. */
const classic: TemplateInput = {
  name: 'Tier 1 London',
  description: 'Front-line voice agents',
  routingProfile: 'Basic Routing Profile',
  securityProfiles: ['Agent', 'CallCenterManager'],
  hierarchyGroup: 'EMEA/London/Tier 1',
  phone: {
    mode: 'classic',
    phoneType: 'DESK_PHONE',
    autoAccept: true,
    afterContactWorkSeconds: 120,
    deskPhoneNumber: '+442079460000',
    persistentConnection: true
  },
  tags: { team: 'blue', 'cost centre': '' },
  rules: { usernamePattern: '{first:1}{last}', emailDomain: 'example.com' }
}

/** The per-channel form: some channels partly set, one absent, and every voice setting. */
const perChannel: TemplateInput = {
  name: 'Omnichannel',
  routingProfile: 'Omni',
  securityProfiles: ['Agent'],
  phone: {
    mode: 'per-channel',
    channels: {
      VOICE: { autoAccept: true, afterContactWorkSeconds: 30 },
      CHAT: { afterContactWorkSeconds: 0 },
      EMAIL: { autoAccept: false }
    },
    voice: {
      phoneType: 'DESK_PHONE',
      phoneNumber: '+14155550100',
      persistentConnection: false,
      voiceEnhancement: 'NOISE_SUPPRESSION'
    }
  },
  tags: {},
  rules: {}
}

/** The schema's messages for `draft`, keyed by the path of the field they belong to. */
function problems(draft: TemplateDraft): Record<string, string> {
  const result = templateSchema.safeParse(toTemplateInput(draft))
  if (result.success) return {}
  return Object.fromEntries(result.error.issues.map((i) => [i.path.join('.'), i.message]))
}

/** A draft that the schema accepts, to change one thing at a time. */
function validDraft(): TemplateDraft {
  const draft = emptyDraft()
  draft.name = 'Agents'
  draft.routingProfile = 'Basic Routing Profile'
  draft.securityProfiles = ['Agent']
  return draft
}

describe('emptyDraft', () => {
  it('starts classic, soft phone, no ACW, one blank security profile slot and blank per-channel settings', () => {
    const draft = emptyDraft()
    expect(draft.phoneMode).toBe('classic')
    expect(draft.classic).toEqual({
      phoneType: 'SOFT_PHONE',
      autoAccept: false,
      afterContactWorkSeconds: 0,
      deskPhoneNumber: '',
      persistentConnection: ''
    })
    expect(draft.securityProfiles).toEqual([''])
    expect(Object.keys(draft.perChannel.channels)).toEqual([...channels])
    for (const channel of channels)
      expect(draft.perChannel.channels[channel]).toEqual({ autoAccept: '', afterContactWorkSeconds: null })
    expect(draft.perChannel.voicePhone).toBe(true)
    expect(draft.tags).toEqual([])
  })

  it('gives a fresh object every time', () => {
    const a = emptyDraft()
    a.securityProfiles.push('Agent')
    a.perChannel.channels.VOICE.autoAccept = 'yes'
    expect(emptyDraft().securityProfiles).toEqual([''])
    expect(emptyDraft().perChannel.channels.VOICE.autoAccept).toBe('')
  })

  it('is refused by the schema with a message for each required field', () => {
    expect(problems(emptyDraft())).toEqual({
      name: 'a template needs a name',
      routingProfile: 'choose a routing profile',
      securityProfiles: 'choose at least one security profile'
    })
  })
})

describe('draft ↔ template', () => {
  it('round-trips a classic template with every field set', () => {
    const draft = draftFromTemplate(classic)
    expect(draft.phoneMode).toBe('classic')
    expect(draft.classic).toEqual({
      phoneType: 'DESK_PHONE',
      autoAccept: true,
      afterContactWorkSeconds: 120,
      deskPhoneNumber: '+442079460000',
      persistentConnection: 'yes'
    })
    expect(draft.tags).toEqual([
      { key: 'team', value: 'blue' },
      { key: 'cost centre', value: '' }
    ])
    expect(toTemplateInput(draft)).toEqual(classic)
    expect(problems(draft)).toEqual({})
  })

  it('round-trips a per-channel template: absent channels and settings stay absent', () => {
    const draft = draftFromTemplate(perChannel)
    expect(draft.phoneMode).toBe('per-channel')
    expect(draft.perChannel.channels).toEqual({
      VOICE: { autoAccept: 'yes', afterContactWorkSeconds: 30 },
      CHAT: { autoAccept: '', afterContactWorkSeconds: 0 },
      TASK: { autoAccept: '', afterContactWorkSeconds: null },
      EMAIL: { autoAccept: 'no', afterContactWorkSeconds: null }
    })
    expect(draft.perChannel).toMatchObject({
      voicePhone: true,
      phoneType: 'DESK_PHONE',
      phoneNumber: '+14155550100',
      persistentConnection: 'no',
      voiceEnhancement: 'NOISE_SUPPRESSION'
    })
    expect(toTemplateInput(draft)).toEqual(perChannel)
    expect(problems(draft)).toEqual({})
  })

  it('round-trips a per-channel template without voice settings', () => {
    const noVoice: TemplateInput = {
      ...perChannel,
      phone: { mode: 'per-channel', channels: { CHAT: { autoAccept: true } } }
    }
    const draft = draftFromTemplate(noVoice)
    expect(draft.perChannel.voicePhone).toBe(false)
    expect(toTemplateInput(draft)).toEqual(noVoice)
  })

  it('round-trips a stored template (defaults applied) except its updatedAt', () => {
    const stored = templateSchema.parse({ ...classic, updatedAt: '2026-11-28T12:00:00.000Z' })
    const { updatedAt, ...rest } = stored
    expect(updatedAt).toBe('2026-11-28T12:00:00.000Z')
    expect(toTemplateInput(draftFromTemplate(stored))).toEqual(rest)
  })

  it('does not share arrays with the template it was made from', () => {
    const template = structuredClone(classic)
    const draft = draftFromTemplate(template)
    draft.securityProfiles.push('Supervisor')
    draft.tags.push({ key: 'new', value: 'x' })
    expect(template.securityProfiles).toEqual(['Agent', 'CallCenterManager'])
    expect(template.tags).toEqual({ team: 'blue', 'cost centre': '' })
  })

  it('gives a template with no security profiles one blank slot to fill', () => {
    expect(draftFromTemplate({ ...classic, securityProfiles: [] }).securityProfiles).toEqual([''])
  })
})

describe('classic and per-channel phone in one draft', () => {
  it('keeps both forms, so switching back and forth loses nothing', () => {
    const draft = draftFromTemplate(classic)
    draft.phoneMode = 'per-channel'
    draft.perChannel.channels.TASK = { autoAccept: 'yes', afterContactWorkSeconds: 10 }
    draft.perChannel.voicePhone = false
    expect(toTemplateInput(draft).phone).toEqual({
      mode: 'per-channel',
      channels: { TASK: { autoAccept: true, afterContactWorkSeconds: 10 } }
    })
    draft.phoneMode = 'classic'
    expect(toTemplateInput(draft)).toEqual(classic)
    draft.phoneMode = 'per-channel'
    expect(toTemplateInput(draft).phone).toEqual({
      mode: 'per-channel',
      channels: { TASK: { autoAccept: true, afterContactWorkSeconds: 10 } }
    })
  })

  it('leaves the classic form at its defaults when the template is per-channel', () => {
    const draft = draftFromTemplate(perChannel)
    expect(draft.classic).toEqual(emptyDraft().classic)
    draft.phoneMode = 'classic'
    expect(toTemplateInput(draft).phone).toEqual({
      mode: 'classic',
      phoneType: 'SOFT_PHONE',
      autoAccept: false,
      afterContactWorkSeconds: 0
    })
  })

  it('sends a desk phone number only for a desk phone, trimmed', () => {
    const draft = validDraft()
    draft.classic.deskPhoneNumber = ' +442079460000 '
    expect(toTemplateInput(draft).phone).not.toHaveProperty('deskPhoneNumber')
    draft.classic.phoneType = 'DESK_PHONE'
    expect(toTemplateInput(draft).phone).toMatchObject({ deskPhoneNumber: '+442079460000' })

    draft.phoneMode = 'per-channel'
    draft.perChannel.phoneNumber = '+14155550100'
    expect(toTemplateInput(draft).phone).toEqual({
      mode: 'per-channel',
      channels: {},
      voice: { phoneType: 'SOFT_PHONE' }
    })
    draft.perChannel.phoneType = 'DESK_PHONE'
    expect(toTemplateInput(draft).phone).toEqual({
      mode: 'per-channel',
      channels: {},
      voice: { phoneType: 'DESK_PHONE', phoneNumber: '+14155550100' }
    })
  })

  it('maps the yes / no / blank choices to true / false / absent', () => {
    const draft = validDraft()
    const persistent = (): unknown =>
      (toTemplateInput(draft).phone as { persistentConnection?: boolean }).persistentConnection
    expect(toTemplateInput(draft).phone).not.toHaveProperty('persistentConnection')
    draft.classic.persistentConnection = 'yes'
    expect(persistent()).toBe(true)
    draft.classic.persistentConnection = 'no'
    expect(persistent()).toBe(false)

    draft.phoneMode = 'per-channel'
    draft.perChannel.channels.CHAT.autoAccept = 'no'
    draft.perChannel.persistentConnection = 'yes'
    draft.perChannel.voiceEnhancement = 'VOICE_ISOLATION'
    expect(toTemplateInput(draft).phone).toEqual({
      mode: 'per-channel',
      channels: { CHAT: { autoAccept: false } },
      voice: { phoneType: 'SOFT_PHONE', persistentConnection: true, voiceEnhancement: 'VOICE_ISOLATION' }
    })
  })
})

describe('validation messages for what the admin typed', () => {
  it('a desk phone without its number, in either form', () => {
    const draft = validDraft()
    draft.classic.phoneType = 'DESK_PHONE'
    expect(problems(draft)).toEqual({ 'phone.deskPhoneNumber': 'a desk phone needs its number (E.164)' })
    draft.classic.deskPhoneNumber = '020 7946 0000'
    expect(problems(draft)).toEqual({
      'phone.deskPhoneNumber': 'a phone number is E.164: + then country code and number, e.g. +442079460000'
    })
    draft.phoneMode = 'per-channel'
    draft.perChannel.phoneType = 'DESK_PHONE'
    expect(problems(draft)).toEqual({ 'phone.voice.phoneNumber': 'a desk phone needs its number (E.164)' })
  })

  it('after-contact work that is cleared, negative, fractional or too long', () => {
    const draft = validDraft()
    draft.classic.afterContactWorkSeconds = null
    expect(Object.keys(problems(draft))).toEqual(['phone.afterContactWorkSeconds'])
    draft.classic.afterContactWorkSeconds = -1
    expect(problems(draft)).toEqual({
      'phone.afterContactWorkSeconds': 'after-contact work cannot be negative'
    })
    draft.classic.afterContactWorkSeconds = 1.5
    expect(problems(draft)).toEqual({
      'phone.afterContactWorkSeconds': 'after-contact work is whole seconds'
    })
    draft.phoneMode = 'per-channel'
    draft.perChannel.channels.EMAIL.afterContactWorkSeconds = 2_000_001
    expect(problems(draft)).toEqual({
      'phone.channels.EMAIL.afterContactWorkSeconds':
        'after-contact work is at most 2,000,000 seconds (24 days); 0 means unlimited'
    })
    // A cleared per-channel field means "not set", which is valid.
    draft.perChannel.channels.EMAIL.afterContactWorkSeconds = null
    expect(problems(draft)).toEqual({})
  })

  it('naming rules that do not parse', () => {
    const draft = validDraft()
    draft.usernamePattern = '{first} {last}'
    draft.emailDomain = 'example'
    expect(problems(draft)).toEqual({
      'rules.usernamePattern': 'use {first}, {last}, {first:1} and the characters a-z 0-9 _ . @ -',
      'rules.emailDomain': 'an e-mail domain looks like example.com'
    })
  })
})

describe('blank and padded fields', () => {
  it('leaves blank optional fields out and trims the ones it keeps', () => {
    const draft = validDraft()
    draft.description = '   '
    draft.hierarchyGroup = '  EMEA/London  '
    draft.securityProfiles = [' Agent ', '', '  ', 'Supervisor']
    draft.usernamePattern = ' {first}.{last} '
    draft.emailDomain = ''
    const input = toTemplateInput(draft)
    expect(input).not.toHaveProperty('description')
    expect(input.hierarchyGroup).toBe('EMEA/London')
    expect(input.securityProfiles).toEqual(['Agent', 'Supervisor'])
    expect(input.rules).toEqual({ usernamePattern: '{first}.{last}' })
  })

  it('leaves a blank-only security profile list empty, for the schema to refuse', () => {
    const draft = validDraft()
    draft.securityProfiles = ['', ' ']
    expect(toTemplateInput(draft).securityProfiles).toEqual([])
    expect(problems(draft)).toEqual({ securityProfiles: 'choose at least one security profile' })
  })
})

describe('tags editing', () => {
  it('adds, edits and removes rows; rows without a key are dropped and keys are trimmed', () => {
    const draft = validDraft()
    draft.tags.push({ key: 'team', value: 'blue' })
    draft.tags.push({ key: '  site ', value: ' London ' })
    draft.tags.push({ key: '', value: 'orphan value' })
    draft.tags.push({ key: '   ', value: 'x' })
    expect(toTemplateInput(draft).tags).toEqual({ team: 'blue', site: ' London ' })

    const team = draft.tags[0]
    if (team) team.value = 'red'
    draft.tags.splice(1, 1)
    expect(toTemplateInput(draft).tags).toEqual({ team: 'red' })
    draft.tags = []
    expect(toTemplateInput(draft).tags).toEqual({})
  })

  it('lets the schema name a bad tag key', () => {
    const draft = validDraft()
    draft.tags = [{ key: 'aws:reserved', value: 'x' }]
    expect(problems(draft)).toEqual({
      'tags.aws:reserved':
        'tag "aws:reserved": a tag key uses letters, digits, spaces and _ . : / = + - @, and cannot start with aws:'
    })
  })
})
