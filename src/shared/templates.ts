/**
 * Templates: phone and routing settings saved by name, edited offline, and resolved to IDs per instance
 * at send time. The schema here is the single source of the file format (docs/template.schema.json is
 * generated from it) and of the editor's inline validation.
 */
import { z } from 'zod'
import { channels, connectRules, phoneTypes, voiceEnhancementModes } from './connect-rules'
import { findInvisible, invisibleMessage } from './text'

/** The `format` of every templates file and export: what tells a templates file from any other JSON. */
export const templatesFormat = 'connect-provisioner/templates'

/** The version written into every templates file and export; older files are migrated on read. */
export const templateFormatVersion = 1

/**
 * The documented limits of templates (docs/template-format.md): beyond them a file, an import or a save
 * is refused with a message naming the limit, so no file or field can make the app's work unbounded.
 * The names a template refers to are Connect's, with Connect's own limits.
 */
export const templateLimits = {
  /** templates.json, and a file to import. */
  fileBytes: 8 * 1024 * 1024,
  /** Templates in the app (and in one file). */
  templates: 5_000,
  name: 100,
  description: 500,
  /** A routing profile's name in Connect. */
  routingProfile: 127,
  /** A security profile's name in Connect. */
  securityProfile: 127,
  /** One hierarchy group's name in Connect. */
  hierarchyGroupName: 100,
  /** Connect's hierarchies have at most five levels. */
  hierarchyLevels: 5,
  /** Five names of 100 characters and their four separators. */
  hierarchyPath: 504,
  usernamePattern: 100,
  /** A DNS name's longest. */
  emailDomain: 253
} as const

/**
 * A zod refinement that refuses, in the names the app owns (template names, account labels), the
 * invisible and control characters of `src/shared/text.ts` (C0/C1 controls such as NUL, BEL and ESC,
 * bidi overrides and isolates, zero-width characters): they can rewrite a terminal (ESC[2J) or make a
 * name read as another. A name is one line, so tabs and line breaks are refused too, unless `multiLine`
 * (a description).
 */
export function refuseUnsafeCharacters(
  what: string,
  multiLine = false
): (value: string, ctx: z.RefinementCtx) => void {
  return (value: string, ctx: z.RefinementCtx): void => {
    // Names have length limits far below this: a longer value is refused by its own, without a scan.
    if (value.length > 10_000) return
    const found =
      findInvisible(multiLine ? value.replace(/\r\n/g, '\n') : value) ??
      (multiLine ? undefined : /[\t\n]/.exec(value)?.[0])
    if (found === undefined) return
    const shown = found.startsWith('U+')
      ? found
      : `U+${(found.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`
    ctx.addIssue({ code: 'custom', message: invisibleMessage(what, shown) })
  }
}

const acwSeconds = z
  .number()
  .int('after-contact work is whole seconds')
  .min(connectRules.afterContactWorkSeconds.min, 'after-contact work cannot be negative')
  .max(
    connectRules.afterContactWorkSeconds.max,
    'after-contact work is at most 2,000,000 seconds (24 days); 0 means unlimited'
  )
const e164 = z
  .string()
  .regex(connectRules.e164, 'a phone number is E.164: + then country code and number, e.g. +442079460000')

/** The classic form: one PhoneConfig for the user. */
export const classicPhoneSchema = z
  .object({
    mode: z.literal('classic'),
    phoneType: z.enum(phoneTypes),
    autoAccept: z.boolean(),
    afterContactWorkSeconds: acwSeconds,
    deskPhoneNumber: e164.optional(),
    persistentConnection: z.boolean().optional()
  })
  .strict()
  .refine((p) => p.phoneType !== 'DESK_PHONE' || p.deskPhoneNumber, {
    message: 'a desk phone needs its number (E.164)',
    path: ['deskPhoneNumber']
  })

const channelSettings = z
  .object({ autoAccept: z.boolean().optional(), afterContactWorkSeconds: acwSeconds.optional() })
  .strict()

/** The per-channel form: auto-accept and ACW per channel; phone settings on VOICE. */
export const perChannelPhoneSchema = z
  .object({
    mode: z.literal('per-channel'),
    channels: z.partialRecord(z.enum(channels), channelSettings),
    voice: z
      .object({
        phoneType: z.enum(phoneTypes),
        phoneNumber: e164.optional(),
        persistentConnection: z.boolean().optional(),
        voiceEnhancement: z.enum(voiceEnhancementModes).optional()
      })
      .strict()
      .optional()
  })
  .strict()
  .refine((p) => p.voice?.phoneType !== 'DESK_PHONE' || p.voice.phoneNumber, {
    message: 'a desk phone needs its number (E.164)',
    path: ['voice', 'phoneNumber']
  })

const tagKey = z
  .string()
  .min(1, 'a tag key cannot be empty')
  .max(connectRules.tags.keyMax, 'a tag key is at most 128 characters')
  .regex(
    connectRules.tags.key,
    'a tag key uses letters, digits, spaces and _ . : / = + - @, and cannot start with aws:'
  )

const limits = templateLimits

/** A hierarchy path: at most five levels of names of at most 100 characters. */
function checkHierarchyPath(path: string, ctx: z.RefinementCtx): void {
  if (path.length > limits.hierarchyPath) return // already refused, without splitting a huge string
  const names = path.split('/')
  if (names.length > limits.hierarchyLevels)
    ctx.addIssue({
      code: 'custom',
      message: `a hierarchy group path has at most ${limits.hierarchyLevels} levels (this one has ${names.length})`
    })
  if (names.some((n) => n.trim().length > limits.hierarchyGroupName))
    ctx.addIssue({
      code: 'custom',
      message: `each group name in a hierarchy path is at most ${limits.hierarchyGroupName} characters`
    })
}

export const templateSchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, 'a template needs a name')
      .max(limits.name, `a name is at most ${limits.name} characters`)
      .superRefine(refuseUnsafeCharacters('a name')),
    description: z
      .string()
      .max(limits.description, `a description is at most ${limits.description} characters`)
      .superRefine(refuseUnsafeCharacters('a description', true))
      .optional(),
    routingProfile: z
      .string()
      .trim()
      .min(1, 'choose a routing profile')
      .max(limits.routingProfile, `a routing profile name is at most ${limits.routingProfile} characters`),
    securityProfiles: z
      .array(
        z
          .string()
          .trim()
          .min(1, 'a security profile name cannot be empty')
          .max(
            limits.securityProfile,
            `a security profile name is at most ${limits.securityProfile} characters`
          )
      )
      .min(connectRules.securityProfiles.min, 'choose at least one security profile')
      .max(connectRules.securityProfiles.max, 'a user can have at most 10 security profiles'),
    /** Group names from the top level down, joined with "/": `EMEA/London/Tier 1`. */
    hierarchyGroup: z
      .string()
      .trim()
      .min(1)
      .max(
        limits.hierarchyPath,
        `a hierarchy group path is at most ${limits.hierarchyPath} characters (${limits.hierarchyLevels} levels of ${limits.hierarchyGroupName})`
      )
      .superRefine(checkHierarchyPath)
      .optional(),
    phone: z.discriminatedUnion('mode', [classicPhoneSchema, perChannelPhoneSchema]),
    tags: z
      .record(z.string(), z.string().max(connectRules.tags.valueMax, 'a tag value is at most 256 characters'))
      .superRefine((tags, ctx) => {
        const keys = Object.keys(tags)
        if (keys.length > connectRules.tags.max)
          ctx.addIssue({ code: 'custom', message: 'a user can have at most 50 tags' })
        for (const key of keys) {
          const checked = tagKey.safeParse(key)
          if (!checked.success)
            ctx.addIssue({
              code: 'custom',
              path: [key],
              message: `tag "${key}": ${checked.error.issues[0]?.message ?? 'not a valid key'}`
            })
        }
      })
      .default({}),
    /** How new users' usernames and e-mails are made: `{first}.{last}`, `{first:1}{last}`; lower-cased. */
    rules: z
      .object({
        usernamePattern: z
          .string()
          .max(limits.usernamePattern, `a username pattern is at most ${limits.usernamePattern} characters`)
          .regex(
            /^([a-zA-Z0-9_.@-]|\{(first|last)(:\d+)?\})+$/,
            'use {first}, {last}, {first:1} and the characters a-z 0-9 _ . @ -'
          )
          .optional(),
        emailDomain: z
          .string()
          .max(limits.emailDomain, `an e-mail domain is at most ${limits.emailDomain} characters`)
          .regex(
            /^[a-zA-Z0-9-]+(\.[a-zA-Z0-9-]+)*\.[a-zA-Z]{2,63}$/,
            'an e-mail domain looks like example.com'
          )
          .optional()
      })
      .strict()
      .default({}),
    updatedAt: z.iso.datetime().optional()
  })
  .strict()

/** A template as stored and edited. */
export type Template = z.output<typeof templateSchema>
export type TemplateInput = z.input<typeof templateSchema>

/** The templates file and the export format. */
export const templateFileSchema = z
  .object({
    format: z.literal(templatesFormat),
    version: z.literal(templateFormatVersion),
    templates: z
      .array(templateSchema)
      .max(
        limits.templates,
        `a templates file holds at most ${limits.templates.toLocaleString('en')} templates`
      )
  })
  .strict()
export type TemplateFile = z.output<typeof templateFileSchema>

/** Case-insensitive identity of a template name. */
export const templateKey = (name: string): string => name.trim().toLowerCase()

/** Templates whose name, description or any profile name contains `query` (case-insensitive). */
export function searchTemplates(templates: readonly Template[], query: string): Template[] {
  const needle = query.trim().toLowerCase()
  if (!needle) return [...templates]
  return templates.filter((t) =>
    [t.name, t.description ?? '', t.routingProfile, t.hierarchyGroup ?? '', ...t.securityProfiles]
      .join('\n')
      .toLowerCase()
      .includes(needle)
  )
}

/** Applies a username pattern to a person's names: `{first}.{last}` → `jane.doe`. */
export function applyUsernamePattern(pattern: string, first: string, last: string): string {
  const clean = (s: string): string =>
    s
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .replace(/[^a-zA-Z0-9]/g, '')
  return pattern
    .replace(/\{(first|last)(?::(\d+))?\}/g, (_m, which: string, count?: string) => {
      const value = clean(which === 'first' ? first : last)
      return count ? value.slice(0, Number(count)) : value
    })
    .toLowerCase()
}
