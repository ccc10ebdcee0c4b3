/** Which profile, Region and instance a command works on, from its flags, as every command reads them. */
import type { Command } from 'commander'
import type { InstanceContext, ProfileRegion } from '../../shared/accounts'
import { AppError } from '../../shared/result'
import type { Services } from '../composition'
import { exitCodes } from './options'

/** The flags that pick a target. */
export interface TargetFlags {
  profile?: string
  region?: string
}

/** `--profile`, falling back to AWS_PROFILE; a usage error (exit 2) when neither is there. */
export function profileOf(flags: TargetFlags, command: Command): string {
  const profile = flags.profile ?? process.env['AWS_PROFILE']
  if (!profile)
    command.error('error: --profile is required (or set AWS_PROFILE).', { exitCode: exitCodes.usage })
  return profile as string
}

/** The profile and its Region: `--region`, else the profile's (or a clear error). */
export function profileRegionOf(
  services: Services,
  flags: TargetFlags,
  command: Command
): Required<ProfileRegion> {
  const profile = profileOf(flags, command)
  return {
    profile,
    region: services.gateway.region({ profile, ...(flags.region ? { region: flags.region } : {}) })
  }
}

/** The instance named by `--instance` (an ID or an alias) in the profile's account and Region. */
export async function instanceContextOf(
  services: Services,
  flags: TargetFlags & { instance: string },
  command: Command
): Promise<InstanceContext> {
  const { profile, region } = profileRegionOf(services, flags, command)
  const instances = await services.gateway.listInstances({ profile, region })
  const found = instances.find((i) => i.id === flags.instance || i.alias === flags.instance)
  if (!found) {
    const known = instances.map((i) => `${i.alias} (${i.id})`).join(', ') || 'none'
    throw new AppError(
      'NOT_FOUND',
      `No instance "${flags.instance}" in ${region} for profile ${profile}; instances there: ${known}.`
    )
  }
  return { profile, region, instanceId: found.id }
}
