/**
 * Create user, the pure part: the person's fields, the exact CreateUserRequest a template and those
 * fields produce, the validation rules (one table, driven by the instance's identity type), the masked
 * preview and the equivalent AWS CLI command.
 */
import type { CreateUserCommandInput } from '@aws-sdk/client-connect'
import { z } from 'zod'
import { findInvisible, invisibleMessage } from './text'
import { connectRules, isNfc, type IdentityType } from './connect-rules'
import { createUserSettings, type ResolvedIds } from './template-resolve'
import { applyUsernamePattern, type Template } from './templates'

/** What the admin types for one person. Blank fields are left out of the request. */
export const personSchema = z
  .object({
    username: z.string().max(200).default(''),
    firstName: z.string().max(400).default(''),
    lastName: z.string().max(400).default(''),
    email: z.string().max(400).default(''),
    secondaryEmail: z.string().max(400).default(''),
    mobile: z.string().max(40).default(''),
    password: z.string().max(200).default(''),
    directoryUserId: z.string().max(200).default(''),
    /** Overrides of the template. */
    hierarchyGroup: z.string().max(500).default(''),
    phoneNumber: z.string().max(40).default(''),
    tags: z.record(z.string(), z.string()).default({})
  })
  .strict()
export type PersonFields = z.output<typeof personSchema>
export type PersonInput = z.input<typeof personSchema>

/** Members every request the app builds carries; the SDK types them `| undefined`. */
type AlwaysSent = 'InstanceId' | 'Username' | 'RoutingProfileId' | 'SecurityProfileIds'

/**
 * The CreateUserRequest exactly as the SDK types it (InstanceId travels in the path), with the members
 * the app always sends required. A type-only import: no SDK code reaches the renderer.
 */
export type CreateUserRequest = Omit<CreateUserCommandInput, AlwaysSent> & {
  [K in AlwaysSent]-?: NonNullable<CreateUserCommandInput[K]>
}

/** A problem with one field, and how to fix it. */
export interface FieldProblem {
  field: string
  message: string
}

export const passwordMarker = '«redacted»'

/**
 * A CreateUser attempt that failed in a way worth retrying: main waits `delayMs`, then makes attempt
 * `attempt` of `attempts`. The Create user view shows it as "Throttled, retrying (3 of 8)…".
 */
export interface CreateUserRetry {
  instanceId: string
  username: string
  attempt: number
  attempts: number
  /** Why, in words: "Throttled", "AWS had a server error", "The answer was lost". */
  reason: string
  delayMs: number
}

/** Fills username and e-mail from the template's rules when the admin left them blank. */
export function withDerivedFields(person: PersonFields, template: Template): PersonFields {
  const username =
    person.username.trim() ||
    (template.rules.usernamePattern && person.firstName && person.lastName
      ? applyUsernamePattern(template.rules.usernamePattern, person.firstName, person.lastName)
      : '')
  const email =
    person.email.trim() ||
    (template.rules.emailDomain && username && !username.includes('@')
      ? `${username}@${template.rules.emailDomain}`
      : '')
  return { ...person, username, email }
}

/** The exact request: the template's settings (resolved IDs), the person's identity, and the overrides. */
export function buildCreateUserRequest(
  template: Template,
  ids: ResolvedIds,
  person: PersonFields,
  instanceId: string
): CreateUserRequest {
  const settings = createUserSettings(template, ids)
  const phoneNumber = person.phoneNumber.trim()
  if (phoneNumber) {
    if (settings.PhoneConfig)
      settings.PhoneConfig = {
        ...settings.PhoneConfig,
        PhoneType: 'DESK_PHONE',
        DeskPhoneNumber: phoneNumber
      }
    else
      settings.PhoneNumberConfigs = [{ Channel: 'VOICE', PhoneType: 'DESK_PHONE', PhoneNumber: phoneNumber }]
  }
  const tags = { ...template.tags, ...person.tags }
  if (Object.keys(tags).length) settings.Tags = tags
  const identity: NonNullable<CreateUserRequest['IdentityInfo']> = {}
  const put = (key: keyof typeof identity, value: string): void => {
    if (value.trim()) identity[key] = value.trim()
  }
  put('FirstName', person.firstName)
  put('LastName', person.lastName)
  put('Email', person.email)
  put('SecondaryEmail', person.secondaryEmail)
  put('Mobile', person.mobile)
  return {
    InstanceId: instanceId,
    Username: person.username.trim(),
    ...(person.password ? { Password: person.password } : {}),
    ...(Object.keys(identity).length ? { IdentityInfo: identity } : {}),
    ...(person.directoryUserId.trim() ? { DirectoryUserId: person.directoryUserId.trim() } : {}),
    ...settings
  }
}

type Check = (request: CreateUserRequest, identity: IdentityType) => string | undefined
interface Rule {
  field: string
  /** Identity types the rule applies to; all when omitted. */
  only?: IdentityType[]
  check: Check
}

const info = (
  r: CreateUserRequest,
  key: keyof NonNullable<CreateUserRequest['IdentityInfo']>
): string | undefined => r.IdentityInfo?.[key]
const phoneNumbers = (r: CreateUserRequest): Array<[string, string | undefined]> => [
  ['PhoneConfig.DeskPhoneNumber', r.PhoneConfig?.DeskPhoneNumber],
  ...(r.PhoneNumberConfigs ?? []).map((c): [string, string | undefined] => [
    'PhoneNumberConfigs.PhoneNumber',
    c.PhoneNumber
  ])
]

/**
 * Every rule checked before anything is sent (connect-api.md): when AWS changes one, change it here.
 * Each returns the message that says how to fix the field, or undefined.
 */
/** The text fields a person types, and how the form names them. */
const typedFields = [
  ['Username', 'The username', (r: CreateUserRequest) => r.Username],
  ['IdentityInfo.FirstName', 'The first name', (r: CreateUserRequest) => r.IdentityInfo?.FirstName],
  ['IdentityInfo.LastName', 'The last name', (r: CreateUserRequest) => r.IdentityInfo?.LastName],
  ['IdentityInfo.Email', 'The e-mail', (r: CreateUserRequest) => r.IdentityInfo?.Email],
  [
    'IdentityInfo.SecondaryEmail',
    'The secondary e-mail',
    (r: CreateUserRequest) => r.IdentityInfo?.SecondaryEmail
  ],
  ['DirectoryUserId', 'The directory user ID', (r: CreateUserRequest) => r.DirectoryUserId]
] as const

const createUserRules: readonly Rule[] = [
  // First, so an invisible character is named before any rule it would confuse.
  ...typedFields.map(([field, what, value]) => ({
    field,
    check: (r: CreateUserRequest) => {
      const character = findInvisible(value(r) ?? '')
      return character ? invisibleMessage(what, character) : undefined
    }
  })),
  {
    field: 'Username',
    check: (r) =>
      r.Username
        ? undefined
        : 'Enter a username (or give the template a username pattern and type the names).'
  },
  {
    field: 'Username',
    check: (r, t) => {
      const max = connectRules.username.maxByIdentityType[t]
      return r.Username.length > max
        ? `A username is at most ${max} characters for ${t} instances; "${r.Username}" has ${r.Username.length}.`
        : undefined
    }
  },
  {
    field: 'Username',
    only: ['SAML'],
    check: (r) => {
      const { samlCharset, samlEmailForm } = connectRules.username
      if (!r.Username) return undefined
      if (!samlCharset.test(r.Username)) return 'A SAML username uses only letters, digits and _ - . @.'
      return r.Username.includes('@') && !samlEmailForm.test(r.Username)
        ? 'In a SAML username, @ is allowed only in e-mail form (name@example.com).'
        : undefined
    }
  },
  {
    field: 'Username',
    only: ['CONNECT_MANAGED', 'EXISTING_DIRECTORY'],
    check: (r) => (/\s/.test(r.Username) ? 'A username cannot contain spaces.' : undefined)
  },
  {
    field: 'Password',
    only: ['CONNECT_MANAGED'],
    check: (r) =>
      r.Password ? undefined : 'Enter a password or generate one: Connect-managed users need one.'
  },
  {
    field: 'Password',
    only: ['CONNECT_MANAGED'],
    check: (r) =>
      r.Password && !connectRules.password.test(r.Password)
        ? 'A password is 8–64 characters with a lowercase letter, an uppercase letter and a digit, and no spaces.'
        : undefined
  },
  {
    field: 'Password',
    only: ['SAML', 'EXISTING_DIRECTORY'],
    check: (r, t) =>
      r.Password
        ? `Remove the password: ${t} instances sign users in through the identity provider.`
        : undefined
  },
  {
    field: 'DirectoryUserId',
    only: ['SAML'],
    check: (r) =>
      r.DirectoryUserId ? 'Remove the directory user ID: it is not allowed on SAML instances.' : undefined
  },
  {
    field: 'DirectoryUserId',
    only: ['CONNECT_MANAGED'],
    check: (r) =>
      r.DirectoryUserId
        ? 'Remove the directory user ID: it is only for instances using an existing directory.'
        : undefined
  },
  {
    field: 'IdentityInfo.FirstName',
    only: ['CONNECT_MANAGED', 'SAML'],
    check: (r) => (info(r, 'FirstName') ? undefined : 'Enter the first name.')
  },
  {
    field: 'IdentityInfo.LastName',
    only: ['CONNECT_MANAGED', 'SAML'],
    check: (r) => (info(r, 'LastName') ? undefined : 'Enter the last name.')
  },
  {
    field: 'IdentityInfo.Email',
    only: ['CONNECT_MANAGED'],
    check: (r) =>
      info(r, 'Email') ? undefined : 'Enter the e-mail address (or give the template an e-mail domain).'
  },
  ...(
    [
      ['FirstName', 'first name', connectRules.firstNameMax],
      ['LastName', 'last name', connectRules.lastNameMax]
    ] as const
  ).map(([key, words, max]) => ({
    field: `IdentityInfo.${key}`,
    check: (r: CreateUserRequest) => {
      const v = info(r, key)
      if (v === undefined) return undefined
      if (v.length > max) return `A ${words} is at most ${max} characters.`
      return isNfc(v)
        ? undefined
        : `The ${words} has decomposed accents: retype it (Unicode NFC is required).`
    }
  })),
  ...(['Email', 'SecondaryEmail'] as const).map((key) => ({
    field: `IdentityInfo.${key}`,
    check: (r: CreateUserRequest) => {
      const v = info(r, key)
      return v && !connectRules.email.test(v)
        ? `"${v}" is not an e-mail address (name@example.com).`
        : undefined
    }
  })),
  {
    field: 'IdentityInfo.Mobile',
    check: (r) => {
      const v = info(r, 'Mobile')
      return v && !connectRules.e164.test(v)
        ? `"${v}" is not in E.164 form: + then country code and number, no spaces (+447700900123).`
        : undefined
    }
  },
  {
    field: 'PhoneNumber',
    check: (r) => {
      const bad = phoneNumbers(r).find(([, v]) => v !== undefined && !connectRules.e164.test(v))
      return bad
        ? `"${bad[1]}" is not in E.164 form: + then country code and number, no spaces (+442079460000).`
        : undefined
    }
  },
  {
    field: 'SecurityProfileIds',
    check: (r) => {
      const n = r.SecurityProfileIds.length
      return n < 1 || n > 10 ? `A user has 1 to 10 security profiles; this request has ${n}.` : undefined
    }
  },
  {
    field: 'Tags',
    check: (r) => {
      const tags = Object.entries(r.Tags ?? {})
      if (tags.length > connectRules.tags.max)
        return `A user has at most ${connectRules.tags.max} tags; this request has ${tags.length}.`
      const bad = tags.find(
        ([k, v]) =>
          !k ||
          k.length > connectRules.tags.keyMax ||
          !connectRules.tags.key.test(k) ||
          v.length > connectRules.tags.valueMax
      )
      return bad
        ? `Tag "${bad[0]}" is not valid: keys are 1–128 letters, digits, spaces or _ . : / = + - @, not starting with aws:; values at most 256 characters.`
        : undefined
    }
  },
  {
    field: 'PhoneConfig',
    check: (r) => {
      const pair = connectRules.exclusivePairs.find(
        ([single, list]) => r.PhoneConfig?.[single] !== undefined && r[list] !== undefined
      )
      return pair
        ? `PhoneConfig.${pair[0]} and ${pair[1]} cannot be sent together: use one form in the template.`
        : undefined
    }
  }
]

/** Every problem of the request for an instance of `identity`, in rule order (one per field). */
export function validateCreateUser(request: CreateUserRequest, identity: IdentityType): FieldProblem[] {
  const problems: FieldProblem[] = []
  for (const rule of createUserRules) {
    if (rule.only && !rule.only.includes(identity)) continue
    if (problems.some((p) => p.field === rule.field)) continue
    const message = rule.check(request, identity)
    if (message) problems.push({ field: rule.field, message })
  }
  return problems
}

/** The request with the password replaced by a marker: safe to show, copy and log. */
export function maskRequest(request: CreateUserRequest): CreateUserRequest {
  return request.Password === undefined ? request : { ...request, Password: passwordMarker }
}

/** The equivalent AWS CLI command (password masked), for a POSIX shell. */
export function awsCliCommand(request: CreateUserRequest, profile: string, region: string): string {
  const { InstanceId, ...rest } = maskRequest(request)
  const quote = (value: string): string => `'${value.replace(/'/g, `'\\''`)}'`
  return `aws connect create-user --profile ${quote(profile)} --region ${region} --instance-id ${InstanceId} --cli-input-json ${quote(JSON.stringify(rest))}`
}

/** A random password that meets the policy: 16 characters with lower, upper, digit and symbol. */
export function generatePassword(
  random: (bytes: Uint8Array<ArrayBuffer>) => Uint8Array = (b) => crypto.getRandomValues(b)
): string {
  const sets = ['abcdefghijkmnopqrstuvwxyz', 'ABCDEFGHJKLMNPQRSTUVWXYZ', '23456789', '!#%+-=?@^_']
  const all = sets.join('')
  // Rejection sampling: bytes past the last whole multiple of the alphabet would bias the choice.
  const limit = 256 - (256 % all.length)
  for (;;) {
    const chars = [...random(new Uint8Array(64))]
      .filter((b) => b < limit)
      .slice(0, 16)
      .map((b) => all[b % all.length] ?? '')
    const password = chars.join('')
    if (
      chars.length === 16 &&
      sets.every((set) => chars.some((c) => set.includes(c))) &&
      connectRules.password.test(password)
    )
      return password
  }
}
