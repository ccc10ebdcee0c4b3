/**
 * How an IAM Identity Center account and role is named where the app names accounts (a profile name in
 * every call, the CLI's --profile, recent contexts): `sso:<session>/<account ID>/<role name>`. The
 * account is 12 digits and a role name has no `/`, so a session name may hold anything.
 */

/** The prefix of every Identity Center target. */
export const ssoTargetPrefix = 'sso:'

/** An account and role of a session. */
export interface SsoTargetName {
  session: string
  accountId: string
  roleName: string
}

/** `sso:<session>/<account>/<role>`. */
export function ssoProfileName(target: SsoTargetName): string {
  return `${ssoTargetPrefix}${target.session}/${target.accountId}/${target.roleName}`
}

/** The parts of an `sso:` profile name; undefined when `profile` is not one. */
export function parseSsoProfileName(profile: string): SsoTargetName | undefined {
  if (!profile.startsWith(ssoTargetPrefix)) return undefined
  const match = /^(.+)\/(\d{12})\/([\w+=,.@-]{1,64})$/.exec(profile.slice(ssoTargetPrefix.length))
  if (!match) return undefined
  const [, session = '', accountId = '', roleName = ''] = match
  return { session, accountId, roleName }
}
