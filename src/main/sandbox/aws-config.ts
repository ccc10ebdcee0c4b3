import type { SandboxSeed } from './seed'

/** One profile the Sandbox offers: an account's access key, or a role assumed from the first account. */
export interface SandboxProfile {
  name: string
  region: string
  accountId: string
  /** Static keys (account profiles). */
  keys?: { accessKeyId: string; secretAccessKey: string }
  /** Role profiles: the role, the profile whose keys assume it, and the MFA device it demands. */
  role?: { arn: string; sourceProfile: string; mfaSerial?: string }
}

/** The profiles of a seed: one per account (its first key), then one per role, sourced from the first account. */
export function sandboxProfiles(seed: SandboxSeed): SandboxProfile[] {
  const regionOf = (accountId: string): string =>
    seed.instances.find((i) => i.accountId === accountId)?.region ?? 'us-east-1'
  const accounts = seed.accounts.map((account) => {
    const key = account.accessKeys[0]
    return {
      name: account.profile ?? `sandbox-${account.id}`,
      region: regionOf(account.id),
      accountId: account.id,
      ...(key ? { keys: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey } } : {})
    }
  })
  const hub = accounts[0]
  const roles = hub
    ? seed.roles.map((role) => {
        const accountId = role.arn.split(':')[4] ?? ''
        const mfaSerial = role.mfaRequired ? seed.mfaDevices[0]?.serialNumber : undefined
        return {
          name: role.profile ?? `sandbox-role-${role.arn.split('/').at(-1)?.toLowerCase()}`,
          region: regionOf(accountId),
          accountId,
          role: { arn: role.arn, sourceProfile: hub.name, ...(mfaSerial ? { mfaSerial } : {}) }
        }
      })
    : []
  return [...accounts, ...roles]
}

/** The name of the Sandbox's `[sso-session …]` in the printed config. */
export const sandboxSsoSessionName = 'sandbox'

/** One SSO profile the printed config offers: an account and permission set of the Identity Center. */
export interface SandboxSsoProfile {
  name: string
  region: string
  accountId: string
  roleName: string
}

/**
 * SSO profiles for every assignment of the Identity Center's first user (in the demo: `admin`), named
 * `sandbox-sso-<account>-<role>`, where `<account>` is the account's profile suffix (alpha, bravo) or ID.
 */
export function sandboxSsoProfiles(seed: SandboxSeed): SandboxSsoProfile[] {
  const center = seed.identityCenter
  const user = center?.users[0]
  if (!center || !user) return []
  const regionOf = (accountId: string): string =>
    seed.instances.find((i) => i.accountId === accountId)?.region ?? center.region
  const shortName = (accountId: string): string =>
    seed.accounts.find((a) => a.id === accountId)?.profile?.replace(/^sandbox-/, '') ?? accountId
  return user.assignments.map(({ accountId, permissionSet }) => ({
    name: `sandbox-sso-${shortName(accountId)}-${permissionSet.toLowerCase()}`,
    region: regionOf(accountId),
    accountId,
    roleName: permissionSet
  }))
}

/** A ready `~/.aws/config` snippet: every profile of the seed, pointed at the Sandbox at `endpoint`. */
export function awsConfigSnippet(seed: SandboxSeed, endpoint: string): string {
  const lines = [
    `# Connect Provisioner Sandbox at ${endpoint}: demo keys that only the Sandbox accepts.`,
    '# The AWS CLI, boto3 and the AWS SDKs use endpoint_url for every service of these profiles.'
  ]
  for (const profile of sandboxProfiles(seed)) {
    lines.push('', `[profile ${profile.name}]`, `region = ${profile.region}`, `endpoint_url = ${endpoint}`)
    if (profile.keys) {
      lines.push(
        `aws_access_key_id = ${profile.keys.accessKeyId}`,
        `aws_secret_access_key = ${profile.keys.secretAccessKey}`
      )
    }
    if (profile.role) {
      lines.push(`role_arn = ${profile.role.arn}`, `source_profile = ${profile.role.sourceProfile}`)
      if (profile.role.mfaSerial) lines.push(`mfa_serial = ${profile.role.mfaSerial}`)
    }
  }
  const center = seed.identityCenter
  const sso = sandboxSsoProfiles(seed)
  const first = sso[0]
  if (center && first) {
    const startUrl = `${endpoint}/start`
    lines.push(
      '',
      `# IAM Identity Center: sign in with \`connect-provisioner login --sso-session ${sandboxSsoSessionName}\``,
      `# (user "${center.users[0]?.userName}"), or the AWS CLI v2's \`aws sso login --profile ${first.name}\`.`,
      `[sso-session ${sandboxSsoSessionName}]`,
      `sso_start_url = ${startUrl}`,
      `sso_region = ${center.region}`,
      'sso_registration_scopes = sso:account:access'
    )
    for (const profile of sso) {
      lines.push(
        '',
        `[profile ${profile.name}]`,
        `sso_session = ${sandboxSsoSessionName}`,
        `sso_account_id = ${profile.accountId}`,
        `sso_role_name = ${profile.roleName}`,
        `region = ${profile.region}`,
        `endpoint_url = ${endpoint}`
      )
    }
    lines.push(
      '',
      '# The legacy form (no sso-session): a device-code sign-in, no refresh token.',
      '[profile sandbox-sso-legacy]',
      `sso_start_url = ${startUrl}`,
      `sso_region = ${center.region}`,
      `sso_account_id = ${first.accountId}`,
      `sso_role_name = ${first.roleName}`,
      `region = ${first.region}`,
      `endpoint_url = ${endpoint}`
    )
  }
  return `${lines.join('\n')}\n`
}
