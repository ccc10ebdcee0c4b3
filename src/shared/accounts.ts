/**
 * Accounts as the renderer and the CLI see them: AWS profiles (never their secrets), the Sandbox's
 * profiles, caller identity, Regions and Connect instances. Main is stateless about "the current
 * account": every call names its `AccountContext`.
 */
import { z } from 'zod'
import type { IdentityType } from './connect-rules'
import { refuseUnsafeCharacters } from './templates'

/** How a profile gets credentials. A profile can be several kinds at once (a role with MFA). */
export type ProfileKind =
  'static' | 'assume-role' | 'mfa' | 'sso' | 'credential-process' | 'web-identity' | 'login' | 'sandbox'

/** Something wrong with one profile, pointing at the file and line to fix. */
export interface ProfileProblem {
  file: string
  line: number
  reason: string
}

/** One profile, described without any secret. */
export interface ProfileSummary {
  /** The name to pass back in every call. Sandbox profiles are `sandbox:<name>`. */
  name: string
  /** What the admin reads: the profile name, or "Sandbox — …" for the Sandbox. */
  label: string
  source: 'aws' | 'sandbox'
  kinds: ProfileKind[]
  region?: string
  /** True when the profile (or a services section it names) sets `endpoint_url`. */
  hasEndpointUrl: boolean
  roleArn?: string
  sourceProfile?: string
  mfaSerial?: string
  ssoSession?: string
  problems: ProfileProblem[]
}

/** Everything the Accounts view lists. */
export interface ProfileList {
  profiles: ProfileSummary[]
  /** The files read, for "edit your profiles in …" hints. */
  files: { config: string; credentials: string }
  /** Problems not tied to one profile (a section the SDK ignores, an unreadable file). */
  problems: ProfileProblem[]
}

/** Who the credentials of a profile belong to (STS GetCallerIdentity). */
export interface CallerIdentity {
  accountId: string
  arn: string
  userId: string
  region: string
}

/** A Connect instance as the pickers show it. */
export interface InstanceSummary {
  id: string
  arn: string
  alias: string
  identityType: IdentityType
  status: string
  createdTime?: string
  accessUrl?: string
}

/** An AWS Region ID (`us-east-1`, `us-gov-west-1`): the one pattern every Region is checked with. */
export const regionPattern = /^[a-z]{2}(-[a-z]+){1,2}-\d$/

/** A Region, as every schema (IPC, settings, the Sandbox's seed) accepts it. */
export const regionSchema = z.string().regex(regionPattern, 'a Region looks like us-east-1')

/** Where a call goes: a profile, a Region and (for instance-level calls) an instance. */
export const accountContextSchema = z.object({
  profile: z.string().min(1).max(256),
  region: regionSchema.optional()
})
export type ProfileRegion = z.infer<typeof accountContextSchema>

export const instanceContextSchema = accountContextSchema.extend({
  region: regionSchema,
  instanceId: z.string().min(1).max(100)
})
export type InstanceContext = z.infer<typeof instanceContextSchema>

/** The colours an account label can have, in the order the picker offers them. */
export const accountLabelColors = ['red', 'orange', 'green', 'blue', 'purple', 'gray'] as const
export type AccountLabelColor = (typeof accountLabelColors)[number]

/**
 * A label and colour the admin gives an account, shown in the account bar (e.g. PROD in red). A label
 * is a name the app owns: control and invisible characters are refused, as in template names.
 */
export const accountLabelSchema = z.object({
  label: z.string().trim().min(1).max(24).superRefine(refuseUnsafeCharacters('a label')),
  color: z.enum(accountLabelColors)
})
export type AccountLabel = z.infer<typeof accountLabelSchema>

/** Regions where Amazon Connect runs (the picker also accepts a profile's own Region). */
export const connectRegions: readonly { id: string; name: string }[] = [
  { id: 'us-east-1', name: 'US East (N. Virginia)' },
  { id: 'us-west-2', name: 'US West (Oregon)' },
  { id: 'ca-central-1', name: 'Canada (Central)' },
  { id: 'eu-west-2', name: 'Europe (London)' },
  { id: 'eu-central-1', name: 'Europe (Frankfurt)' },
  { id: 'af-south-1', name: 'Africa (Cape Town)' },
  { id: 'ap-northeast-1', name: 'Asia Pacific (Tokyo)' },
  { id: 'ap-northeast-2', name: 'Asia Pacific (Seoul)' },
  { id: 'ap-southeast-1', name: 'Asia Pacific (Singapore)' },
  { id: 'ap-southeast-2', name: 'Asia Pacific (Sydney)' },
  { id: 'us-gov-west-1', name: 'AWS GovCloud (US-West)' }
]
