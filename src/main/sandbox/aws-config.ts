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
  return `${lines.join('\n')}\n`
}
