/** `connect-provisioner create`: one user, validated, resolved and checked for duplicates before sending. */
import { Command, InvalidArgumentError, Option } from 'commander'
import type { PersonInput } from '../../shared/create-user'
import { parseTag } from '../../shared/tags'
import { AppError } from '../../shared/result'
import type { TemplateInput } from '../../shared/templates'
import { cliServices, type CliIo } from './cli-host'
import { instanceContextOf, profileOf } from './targets'
import { exitCodes, integer } from './options'

interface CreateFlags {
  profile?: string
  region?: string
  instance: string
  template?: string
  routingProfile?: string
  securityProfile: string[]
  hierarchy?: string
  phoneType?: 'soft' | 'desk'
  deskPhone?: string
  autoAccept?: boolean
  acw?: number
  tag: Record<string, string>
  username: string
  firstName?: string
  lastName?: string
  email?: string
  secondaryEmail?: string
  mobile?: string
  passwordStdin?: boolean
  passwordEnv?: string
  generatePassword?: boolean
  directoryUserId?: string
  dryRun?: boolean
  json?: boolean
}

const collect = (value: string, previous: string[]): string[] => [...previous, value]
function tagOption(value: string, previous: Record<string, string>): Record<string, string> {
  const tag = parseTag(value)
  if (!tag.ok) throw new InvalidArgumentError(tag.error.message)
  return { ...previous, [tag.value.key]: tag.value.value }
}

/** The template from --template, with every settings flag laid over it; or one made of the flags alone. */
function templateOf(flags: CreateFlags, saved: TemplateInput | undefined): TemplateInput {
  const base: TemplateInput = saved ?? {
    name: 'command line',
    routingProfile: '',
    securityProfiles: [],
    phone: { mode: 'classic', phoneType: 'SOFT_PHONE', autoAccept: false, afterContactWorkSeconds: 0 }
  }
  const phone = base.phone
  const classicWanted =
    flags.phoneType !== undefined ||
    flags.deskPhone !== undefined ||
    flags.autoAccept !== undefined ||
    flags.acw !== undefined
  if (classicWanted && phone.mode !== 'classic') {
    throw new AppError(
      'INVALID_REQUEST',
      'The template sets phone settings per channel; --phone-type, --desk-phone, --auto-accept and --acw apply to the classic form only.'
    )
  }
  const classic = phone.mode === 'classic' ? phone : undefined
  return {
    ...base,
    ...(flags.routingProfile ? { routingProfile: flags.routingProfile } : {}),
    ...(flags.securityProfile.length ? { securityProfiles: flags.securityProfile } : {}),
    ...(flags.hierarchy ? { hierarchyGroup: flags.hierarchy } : {}),
    phone: classic
      ? {
          ...classic,
          ...(flags.phoneType ? { phoneType: flags.phoneType === 'desk' ? 'DESK_PHONE' : 'SOFT_PHONE' } : {}),
          ...(flags.deskPhone ? { deskPhoneNumber: flags.deskPhone, phoneType: 'DESK_PHONE' } : {}),
          ...(flags.autoAccept !== undefined ? { autoAccept: flags.autoAccept } : {}),
          ...(flags.acw !== undefined ? { afterContactWorkSeconds: flags.acw } : {})
        }
      : phone,
    tags: {
      ...(base.tags ?? {}),
      ...flags.tag
    }
  }
}

async function passwordOf(
  flags: CreateFlags,
  command: Command,
  io: CliIo
): Promise<{ password: string; generated: boolean }> {
  const sources = [flags.passwordStdin, flags.passwordEnv !== undefined, flags.generatePassword].filter(
    Boolean
  ).length
  if (sources > 1)
    command.error('error: choose one of --password-stdin, --password-env and --generate-password.', {
      exitCode: exitCodes.usage
    })
  if (flags.passwordStdin)
    return { password: (await io.stdin('Password (not shown): ')).replace(/\r?\n$/, ''), generated: false }
  if (flags.passwordEnv !== undefined) {
    const value = io.env[flags.passwordEnv]
    if (value === undefined)
      command.error(`error: the environment variable ${flags.passwordEnv} is not set.`, {
        exitCode: exitCodes.usage
      })
    return { password: value ?? '', generated: false }
  }
  if (flags.generatePassword) {
    const { generatePassword } = await import('../../shared/create-user')
    return { password: generatePassword(), generated: true }
  }
  return { password: '', generated: false }
}

export function createCommand(io: CliIo): Command {
  const out = io.out
  return new Command('create')
    .description(
      'Create one user from a template and/or flags; everything is checked before anything is sent.'
    )
    .option(
      '--profile <name>',
      'AWS profile (default: AWS_PROFILE); sandbox:alpha / sandbox:bravo use the local Sandbox'
    )
    .option('--region <region>', 'Region (default: the profile’s)')
    .requiredOption('--instance <id-or-alias>', 'instance ID or alias')
    .option('--template <name>', 'saved template (flags below override it)')
    .option('--routing-profile <name>', 'routing profile name')
    .option('--security-profile <name>', 'security profile name (repeat for more)', collect, [])
    .option('--hierarchy <path>', 'hierarchy group path, e.g. EMEA/London/Tier 1')
    .addOption(new Option('--phone-type <type>', 'phone type').choices(['soft', 'desk']))
    .option('--desk-phone <e164>', 'desk phone number (implies --phone-type desk)')
    .option('--auto-accept', 'auto-accept calls')
    .option('--no-auto-accept', 'do not auto-accept calls')
    .option('--acw <seconds>', 'after-contact work seconds (0 = unlimited)', integer(0, 2_000_000))
    .option('--tag <key=value>', 'tag (repeat for more)', tagOption, {})
    .requiredOption('--username <name>', 'username')
    .option('--first-name <name>', 'first name')
    .option('--last-name <name>', 'last name')
    .option('--email <address>', 'e-mail (default: from the template’s e-mail domain)')
    .option('--secondary-email <address>', 'secondary e-mail')
    .option('--mobile <e164>', 'mobile number')
    .option('--password-stdin', 'read the password from standard input')
    .option('--password-env <var>', 'read the password from this environment variable')
    .option('--generate-password', 'generate a password that meets the policy and print it once')
    .option('--directory-user-id <id>', 'directory user ID (existing-directory instances)')
    .option('--dry-run', 'validate, resolve and check for a duplicate, print the request; send nothing')
    .option('--json', 'print JSON')
    .action(async (flags: CreateFlags, command: Command) => {
      profileOf(flags, command, io.env) // a missing profile is a usage error before any password is read
      const { password, generated } = await passwordOf(flags, command, io)
      const services = await cliServices(io)
      const template = templateOf(flags, flags.template ? services.templates.get(flags.template) : undefined)
      const context = await instanceContextOf(services, flags, command, io.env)
      const person: PersonInput = {
        username: flags.username,
        firstName: flags.firstName ?? '',
        lastName: flags.lastName ?? '',
        email: flags.email ?? '',
        secondaryEmail: flags.secondaryEmail ?? '',
        mobile: flags.mobile ?? '',
        password,
        directoryUserId: flags.directoryUserId ?? ''
      }
      const input = {
        context,
        template,
        person
      }
      if (flags.dryRun) {
        const preview = await services.createUser.preview(input)
        const valid = preview.problems.length === 0 && !preview.duplicate
        if (flags.json) out(JSON.stringify({ valid, ...preview }, null, 2))
        else {
          out(
            valid
              ? `Valid: ${preview.username} can be created in ${preview.instanceAlias} (${preview.accountId}, ${context.region}). Nothing was sent.`
              : `Refused: nothing would be sent.`
          )
          if (preview.duplicate)
            out(`  ${preview.duplicate.username} already exists (user ID ${preview.duplicate.userId}).`)
          for (const problem of preview.problems) out(`  ${problem.field}: ${problem.message}`)
          if (preview.request) out(JSON.stringify(preview.request, null, 2))
        }
        if (!valid) process.exitCode = exitCodes.failed
        return
      }
      const created = await services.createUser.create(input)
      if (flags.json)
        return out(
          JSON.stringify({ ...created, ...(generated ? { generatedPassword: password } : {}) }, null, 2)
        )
      out(`Created ${created.username} in ${created.instanceAlias} (${created.accountId}, ${created.region})`)
      out(`User ID  ${created.userId}`)
      out(`ARN      ${created.userArn}`)
      if (generated) out(`Password ${password}   (shown once; it is not stored anywhere)`)
    })
}
