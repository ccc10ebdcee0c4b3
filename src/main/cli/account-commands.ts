/** `profiles`, `whoami` and `instances`: the Accounts view, on the command line. */
import { Command } from 'commander'
import type { ProfileSummary } from '../../shared/accounts'
import { cliServices, dataFolder, type CliIo } from './cli-host'
import { table } from './options'
import { profileOf, profileRegionOf, type TargetFlags } from './targets'

type ProfileFlags = TargetFlags & { json?: boolean }

function describeKinds(profile: ProfileSummary): string {
  return profile.kinds.join('+') || '-'
}

export function accountCommands(io: CliIo): Command[] {
  const out = io.out
  const profiles = new Command('profiles')
    .description(
      'List the AWS profiles of ~/.aws/config and ~/.aws/credentials (never their secrets), and the Sandbox accounts.'
    )
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      // Only what the list needs (not every service): listing profiles starts as fast as --help.
      const [{ AccountService }, { ProfileService }, { SandboxHost }] = await Promise.all([
        import('../services/account-service'),
        import('../services/profile-service'),
        import('../services/sandbox-host')
      ])
      const { describeRecovery } = await import('../services/store-recovery')
      const sandbox = new SandboxHost(dataFolder(io.env))
      const list = new AccountService(new ProfileService(io.env), () => sandbox.listed()).list()
      if (sandbox.recovery) io.err(`Warning: ${describeRecovery(sandbox.recovery)}`)
      if (flags.json) return out(JSON.stringify(list, null, 2))
      const rows = [['PROFILE', 'KIND', 'REGION', 'ENDPOINT', 'PROBLEMS']]
      for (const p of list.profiles) {
        rows.push([
          p.name,
          describeKinds(p),
          p.region ?? '-',
          p.hasEndpointUrl ? 'custom' : '-',
          String(p.problems.length || '')
        ])
      }
      table(rows).forEach((line) => out(line))
      for (const p of list.profiles)
        for (const problem of p.problems) out(`${p.name}: ${problem.file}:${problem.line}: ${problem.reason}`)
      for (const problem of list.problems) out(`${problem.file}:${problem.line}: ${problem.reason}`)
    })

  const whoami = new Command('whoami')
    .description('Show the account ID and ARN the profile’s credentials belong to (STS GetCallerIdentity).')
    .option(
      '--profile <name>',
      'AWS profile (default: AWS_PROFILE); sandbox:alpha / sandbox:bravo use the local Sandbox'
    )
    .option('--region <region>', 'Region (default: the profile’s)')
    .option('--json', 'print JSON')
    .action(async (flags: ProfileFlags, command: Command) => {
      const identity = await (
        await cliServices(io)
      ).directory.identity({
        profile: profileOf(flags, command, io.env),
        ...(flags.region ? { region: flags.region } : {})
      })
      if (flags.json) return out(JSON.stringify(identity, null, 2))
      out(`Account  ${identity.accountId}`)
      out(`ARN      ${identity.arn}`)
      out(`Region   ${identity.region}`)
    })

  const instances = new Command('instances')
    .description('List the Amazon Connect instances of the profile’s account in a Region.')
    .option('--profile <name>', 'AWS profile (default: AWS_PROFILE)')
    .option('--region <region>', 'Region (default: the profile’s)')
    .option('--json', 'print JSON')
    .action(async (flags: ProfileFlags, command: Command) => {
      const services = await cliServices(io)
      const { profile, region } = profileRegionOf(services, flags, command, io.env)
      const list = await services.directory.instances({ profile, region }, { refresh: true })
      if (flags.json) return out(JSON.stringify(list, null, 2))
      if (list.length === 0) return out(`No Amazon Connect instance in ${region} for profile ${profile}.`)
      table([
        ['ALIAS', 'ID', 'IDENTITY', 'STATUS'],
        ...list.map((i) => [i.alias, i.id, i.identityType, i.status])
      ]).forEach((line) => out(line))
    })

  return [profiles, whoami, instances]
}
