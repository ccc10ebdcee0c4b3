/**
 * The editor's working copy of a template. It keeps both phone forms (so switching between classic and
 * per-channel loses nothing) and empty fields as blanks; `toTemplateInput` makes the real template.
 */
import { channels, type Channel, type PhoneType } from '../../../shared/connect-rules'
import type { Template, TemplateInput } from '../../../shared/templates'

type YesNo = '' | 'yes' | 'no'

export interface TemplateDraft {
  name: string
  description: string
  routingProfile: string
  securityProfiles: string[]
  hierarchyGroup: string
  phoneMode: 'classic' | 'per-channel'
  classic: {
    phoneType: PhoneType
    autoAccept: boolean
    afterContactWorkSeconds: number | null
    deskPhoneNumber: string
    persistentConnection: YesNo
  }
  perChannel: {
    channels: Record<Channel, { autoAccept: YesNo; afterContactWorkSeconds: number | null }>
    voicePhone: boolean
    phoneType: PhoneType
    phoneNumber: string
    persistentConnection: YesNo
    voiceEnhancement: '' | 'VOICE_ISOLATION' | 'NOISE_SUPPRESSION' | 'NONE'
  }
  tags: Array<{ key: string; value: string }>
  usernamePattern: string
  emailDomain: string
}

const yesNo = (value: boolean | undefined): YesNo => (value === undefined ? '' : value ? 'yes' : 'no')
const fromYesNo = (value: YesNo): boolean | undefined => (value === '' ? undefined : value === 'yes')

export function emptyDraft(): TemplateDraft {
  return {
    name: '',
    description: '',
    routingProfile: '',
    securityProfiles: [''],
    hierarchyGroup: '',
    phoneMode: 'classic',
    classic: {
      phoneType: 'SOFT_PHONE',
      autoAccept: false,
      afterContactWorkSeconds: 0,
      deskPhoneNumber: '',
      persistentConnection: ''
    },
    perChannel: {
      channels: Object.fromEntries(
        channels.map((c) => [c, { autoAccept: '', afterContactWorkSeconds: null }])
      ) as TemplateDraft['perChannel']['channels'],
      voicePhone: true,
      phoneType: 'SOFT_PHONE',
      phoneNumber: '',
      persistentConnection: '',
      voiceEnhancement: ''
    },
    tags: [],
    usernamePattern: '',
    emailDomain: ''
  }
}

export function draftFromTemplate(template: Template | TemplateInput): TemplateDraft {
  const draft = emptyDraft()
  draft.name = template.name
  draft.description = template.description ?? ''
  draft.routingProfile = template.routingProfile
  draft.securityProfiles = template.securityProfiles.length ? [...template.securityProfiles] : ['']
  draft.hierarchyGroup = template.hierarchyGroup ?? ''
  const phone = template.phone
  draft.phoneMode = phone.mode
  if (phone.mode === 'classic') {
    draft.classic = {
      phoneType: phone.phoneType,
      autoAccept: phone.autoAccept,
      afterContactWorkSeconds: phone.afterContactWorkSeconds,
      deskPhoneNumber: phone.deskPhoneNumber ?? '',
      persistentConnection: yesNo(phone.persistentConnection)
    }
  } else {
    for (const channel of channels) {
      const c = phone.channels[channel]
      draft.perChannel.channels[channel] = {
        autoAccept: yesNo(c?.autoAccept),
        afterContactWorkSeconds: c?.afterContactWorkSeconds ?? null
      }
    }
    draft.perChannel.voicePhone = Boolean(phone.voice)
    if (phone.voice) {
      draft.perChannel.phoneType = phone.voice.phoneType
      draft.perChannel.phoneNumber = phone.voice.phoneNumber ?? ''
      draft.perChannel.persistentConnection = yesNo(phone.voice.persistentConnection)
      draft.perChannel.voiceEnhancement = phone.voice.voiceEnhancement ?? ''
    }
  }
  draft.tags = Object.entries(template.tags ?? {}).map(([key, value]) => ({ key, value }))
  draft.usernamePattern = template.rules?.usernamePattern ?? ''
  draft.emailDomain = template.rules?.emailDomain ?? ''
  return draft
}

/** The template the draft stands for (blank optional fields left out); the schema judges it. */
export function toTemplateInput(draft: TemplateDraft): TemplateInput {
  const optional = <K extends string>(key: K, value: string): Partial<Record<K, string>> =>
    value.trim() ? ({ [key]: value.trim() } as Record<K, string>) : {}
  const classic = draft.classic
  const per = draft.perChannel
  const persistent = fromYesNo(classic.persistentConnection)
  const phone: TemplateInput['phone'] =
    draft.phoneMode === 'classic'
      ? {
          mode: 'classic',
          phoneType: classic.phoneType,
          autoAccept: classic.autoAccept,
          afterContactWorkSeconds: classic.afterContactWorkSeconds ?? Number.NaN,
          ...(classic.phoneType === 'DESK_PHONE' ? optional('deskPhoneNumber', classic.deskPhoneNumber) : {}),
          ...(persistent !== undefined ? { persistentConnection: persistent } : {})
        }
      : {
          mode: 'per-channel',
          channels: Object.fromEntries(
            channels.flatMap((channel) => {
              const c = per.channels[channel]
              const autoAccept = fromYesNo(c.autoAccept)
              const entry = {
                ...(autoAccept !== undefined ? { autoAccept } : {}),
                ...(c.afterContactWorkSeconds !== null
                  ? { afterContactWorkSeconds: c.afterContactWorkSeconds }
                  : {})
              }
              return Object.keys(entry).length ? [[channel, entry]] : []
            })
          ),
          ...(per.voicePhone
            ? {
                voice: {
                  phoneType: per.phoneType,
                  ...(per.phoneType === 'DESK_PHONE' ? optional('phoneNumber', per.phoneNumber) : {}),
                  ...(fromYesNo(per.persistentConnection) !== undefined
                    ? { persistentConnection: fromYesNo(per.persistentConnection) }
                    : {}),
                  ...(per.voiceEnhancement ? { voiceEnhancement: per.voiceEnhancement } : {})
                }
              }
            : {})
        }
  return {
    name: draft.name,
    ...optional('description', draft.description),
    routingProfile: draft.routingProfile,
    securityProfiles: draft.securityProfiles.map((s) => s.trim()).filter(Boolean),
    ...optional('hierarchyGroup', draft.hierarchyGroup),
    phone,
    tags: Object.fromEntries(draft.tags.filter((t) => t.key.trim()).map((t) => [t.key.trim(), t.value])),
    rules: {
      ...optional('usernamePattern', draft.usernamePattern),
      ...optional('emailDomain', draft.emailDomain)
    }
  }
}
