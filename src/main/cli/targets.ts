/** Which profile, Region and instance a command works on, from its flags, as every command reads them. */
import type { Command } from 'commander'
import type { InstanceContext, ProfileRegion } from '../../shared/accounts'
import type { Services } from '../composition'
import { exitCodes } from './options'

/** The flags that pick a target. */
export interface TargetFlags {
  profile?: string
  region?: string
}

/** `--profile`, falling back to AWS_PROFILE; a usage error (exit 2) when neither is there. */
export function profileOf(flags: TargetFlags, command: Command, env: NodeJS.ProcessEnv): string {
  const profile = flags.profile ?? env['AWS_PROFILE']
  if (!profile)
    command.error('error: --profile is required (or set AWS_PROFILE).', { exitCode: exitCodes.usage })
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
