/** Which profile, Region and instance a command works on, from its flags, as every command reads them. */
import type { Command } from 'commander'
import type { InstanceContext, ProfileRegion } from '../../shared/accounts'
import type { Services } from '../composition'
import { ssoProfileName } from '../services/sso/target-name'
import { exitCodes } from './options'

/** The flags that pick a target. */
export interface TargetFlags {
  profile?: string
  region?: string
  /** IAM Identity Center: these three together stand for a profile (`sso:<session>/<account>/<role>`). */
  ssoSession?: string
  ssoAccount?: string
  ssoRole?: string
}

/**
 * Adds `--sso-session`, `--sso-account` and `--sso-role` to a command that takes `--profile`: the three
 * together name an IAM Identity Center account and role in its place.
 */
export function addSsoTargetOptions(command: Command): Command {
  return command
    .option(
      '--sso-session <name>',
      'IAM Identity Center session (with --sso-account and --sso-role, instead of --profile)'
    )
    .option('--sso-account <id>', 'AWS account ID granted by the --sso-session')
    .option('--sso-role <name>', 'role (permission set) in the --sso-account')
}

/** The `sso:` profile the three SSO flags name, or undefined when none is given (a usage error when some are). */
function ssoProfileOf(flags: TargetFlags, command: Command): string | undefined {
  const given = [flags.ssoSession, flags.ssoAccount, flags.ssoRole]
  if (given.every((v) => v === undefined)) return undefined
  const usage = (message: string): never =>
    command.error(`error: ${message}`, { exitCode: exitCodes.usage }) as never
  if (given.some((v) => v === undefined)) usage('--sso-session, --sso-account and --sso-role go together.')
  if (flags.profile !== undefined)
    usage('give --profile or --sso-session/--sso-account/--sso-role, not both.')
  if (!/^\d{12}$/.test(flags.ssoAccount ?? '')) usage('--sso-account is a 12-digit AWS account ID.')
  if (!/^[\w+=,.@-]{1,64}$/.test(flags.ssoRole ?? '')) usage('--sso-role is a role (permission set) name.')
  return ssoProfileName({
    session: flags.ssoSession ?? '',
    accountId: flags.ssoAccount ?? '',
    roleName: flags.ssoRole ?? ''
  })
}

/**
 * `--profile`, or the `sso:` profile of `--sso-session/--sso-account/--sso-role`, falling back to
 * AWS_PROFILE; a usage error (exit 2) when none is there.
 */
export function profileOf(flags: TargetFlags, command: Command, env: NodeJS.ProcessEnv): string {
  const profile = ssoProfileOf(flags, command) ?? flags.profile ?? env['AWS_PROFILE']
  if (!profile)
    command.error(
      'error: --profile is required (or set AWS_PROFILE), or --sso-session with --sso-account and --sso-role.',
      { exitCode: exitCodes.usage }
    )
  return profile as string
}

/** The profile and its Region: `--region`, else the profile's (or a clear error). */
export function profileRegionOf(
  services: Services,
  flags: TargetFlags,
  command: Command,
  env: NodeJS.ProcessEnv
): Required<ProfileRegion> {
  const profile = profileOf(flags, command, env)
  return services.gateway.target({ profile, ...(flags.region ? { region: flags.region } : {}) })
}

/**
 * The instance named by `--instance`: an ID is used as is (its description cached), an alias is found
 * in the cached instance list, fetched again once before the alias is refused.
 */
export async function instanceContextOf(
  services: Services,
  flags: TargetFlags & { instance: string },
  command: Command,
  env: NodeJS.ProcessEnv
): Promise<InstanceContext> {
  return services.directory.resolveInstance(profileRegionOf(services, flags, command, env), flags.instance)
}
