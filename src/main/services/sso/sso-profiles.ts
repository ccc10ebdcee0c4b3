/**
 * The IAM Identity Center accounts and roles the admin picked (remembered in settings.json) as entries
 * of the Accounts view's profile list, so they are searched, labelled, restored at start and chosen like
 * any profile. Nothing secret: a name, the account's name, the role and the Region.
 */
import type { ProfileSummary } from '../../../shared/accounts'
import type { SsoTarget } from '../../../shared/settings'
import type { SsoSessionConfig } from './sessions'
import { ssoProfileName } from './target-name'

/**
 * One summary per remembered account and role whose session still exists (most recent first). A target
 * of the Sandbox's Identity Center is a Sandbox account (local, no AWS) and labelled as one.
 */
export function rememberedSsoProfiles(
  targets: readonly SsoTarget[],
  sessions: readonly Pick<SsoSessionConfig, 'id' | 'source' | 'region'>[]
): ProfileSummary[] {
  const byId = new Map(sessions.map((s) => [s.id, s]))
  const seen = new Set<string>()
  return targets.flatMap((target): ProfileSummary[] => {
    const session = byId.get(target.session)
    const name = ssoProfileName(target)
    if (!session || seen.has(name)) return []
    seen.add(name)
    const account = target.accountName || target.accountId
    const sandbox = session.source === 'sandbox'
    return [
      {
        name,
        label: sandbox
          ? `Sandbox — ${account} · ${target.roleName} (local, no AWS)`
          : `${account} · ${target.roleName}`,
        source: sandbox ? 'sandbox' : 'aws',
        kinds: sandbox ? ['sandbox', 'sso'] : ['sso'],
        region: target.region ?? session.region,
        hasEndpointUrl: sandbox,
        ssoSession: session.id,
        problems: []
      }
    ]
  })
}
