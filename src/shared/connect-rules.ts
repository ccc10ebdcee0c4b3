/**
 * Amazon Connect's documented constraints for CreateUser, in one place (see shared/connect-api.md).
 * Where the service model's regex is broken (literal slashes, double escapes) the intended form is
 * used. Both the app's validation and the Sandbox emulator read these, so a rule AWS changes is
 * changed here once.
 */

/** How an instance manages user identities (`IdentityManagementType`). */
export type IdentityType = 'CONNECT_MANAGED' | 'SAML' | 'EXISTING_DIRECTORY'
export const identityTypes: readonly IdentityType[] = ['CONNECT_MANAGED', 'SAML', 'EXISTING_DIRECTORY']

export const channels = ['VOICE', 'CHAT', 'TASK', 'EMAIL'] as const
export type Channel = (typeof channels)[number]
export const phoneTypes = ['SOFT_PHONE', 'DESK_PHONE'] as const
export type PhoneType = (typeof phoneTypes)[number]
export const voiceEnhancementModes = ['VOICE_ISOLATION', 'NOISE_SUPPRESSION', 'NONE'] as const

export const connectRules = {
  /** Model: 1..100. Documented: 20 for CONNECT_MANAGED/EXISTING_DIRECTORY, 64 for SAML. */
  username: {
    modelMax: 100,
    maxByIdentityType: { CONNECT_MANAGED: 20, EXISTING_DIRECTORY: 20, SAML: 64 } satisfies Record<
      IdentityType,
      number
    >,
    /** SAML usernames: `[a-zA-Z0-9_-.@]`, with `@` only in e-mail form (`name@domain.tld`). */
    samlCharset: /^[a-zA-Z0-9_\-.@]+$/,
    samlEmailForm: /^[a-zA-Z0-9_\-.]+@[a-zA-Z0-9-]+(\.[a-zA-Z0-9-]+)*\.[a-zA-Z]{2,}$/
  },
  /** 8–64 characters, one lower, one upper, one digit, no whitespace. */
  password: /^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)[a-zA-Z\d\S]{8,64}$/,
  firstNameMax: 255,
  lastNameMax: 300,
  /** E.164, used for Mobile, DeskPhoneNumber and PhoneNumberConfig.PhoneNumber. */
  e164: /^\+[1-9]\d{1,14}$/,
  /** Documented for SecondaryEmail; used for both e-mails. */
  email: /^(?=.{0,265}$)[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,63}$/,
  securityProfiles: { min: 1, max: 10 },
  tags: {
    max: 50,
    keyMax: 128,
    key: /^(?!aws:)[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u,
    valueMax: 256
  },
  /** Seconds; 0 means unlimited. */
  afterContactWorkSeconds: { min: 0, max: 2_000_000 },
  /** Per-channel lists that only accept VOICE. */
  voiceOnlyLists: ['PhoneNumberConfigs', 'PersistentConnectionConfigs', 'VoiceEnhancementConfigs'],
  /** PhoneConfig members and the per-channel lists they cannot be combined with. */
  exclusivePairs: [
    ['AutoAccept', 'AutoAcceptConfigs'],
    ['AfterContactWorkTimeLimit', 'AfterContactWorkConfigs'],
    ['PhoneType', 'PhoneNumberConfigs'],
    ['DeskPhoneNumber', 'PhoneNumberConfigs'],
    ['PersistentConnection', 'PersistentConnectionConfigs']
  ],
  /** Default users-per-instance quota (adjustable per instance). */
  usersPerInstance: 500,
  /** Default API rate per account and Region, shared by every operation. */
  apiRate: { perSecond: 2, burst: 5 }
} as const

/** True when `value` is in Unicode NFC, as first and last names must be. */
export function isNfc(value: string): boolean {
  return value === value.normalize('NFC')
}
