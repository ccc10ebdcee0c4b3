/**
 * The `connect-provisioner` command line: the same services as the app, for scripting and headless
 * checks. Exit codes: 0 success, 1 the operation failed, 2 usage error, 3 outcome unknown (a user may
 * have been created and nothing could confirm it).
 */
import { Command, CommanderError } from 'commander'
import { version } from '../../package.json'
import { AppError } from '../shared/result'
import { escapeInvisible } from '../shared/text'
import { clipLongRuns, exitCodes } from './cli/options'
import { accountCommands } from './cli/account-commands'
import { bulkCommands } from './cli/bulk-commands'
import { closeServices, processIo, type CliIo } from './cli/cli-host'
import { createCommand } from './cli/create-command'
import { sandboxCommand } from './cli/sandbox-command'
import { ssoCommands } from './cli/sso-commands'
import { addSsoTargetOptions } from './cli/targets'
import { templateCommands } from './cli/template-commands'

/** Builds the program; everything it reads and writes goes through `io`, so tests run it in-process. */
export function buildProgram(io: CliIo): Command {
  const program = new Command('connect-provisioner')
    .description('Create Amazon Connect users safely: profiles, templates, bulk CSV, and a local Sandbox.')
    .version(version)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (text) => io.out(text.trimEnd()),
      writeErr: (text) => io.err(clipLongRuns(text.trimEnd()))
    })
    .exitOverride()
  for (const command of accountCommands(io)) program.addCommand(command)
  program.addCommand(templateCommands(io))
  program.addCommand(createCommand(io))
  program.addCommand(bulkCommands(io))
  program.addCommand(sandboxCommand(io.out))
  for (const command of ssoCommands(io)) program.addCommand(command)
  // Every command that takes --profile also takes an IAM Identity Center account and role in its place.
  const withSsoTargets = (command: Command): void => {
    const has = (flag: string): boolean => command.options.some((o) => o.long === flag)
    if (has('--profile') && !has('--sso-session')) addSsoTargetOptions(command)
    command.commands.forEach(withSsoTargets)
  }
  program.commands.forEach(withSsoTargets)
  const configure = (command: Command): void => {
    command.exitOverride().configureOutput(program.configureOutput())
    command.commands.forEach(configure)
  }
  program.commands.forEach(configure)
  return program
}

/**
 * Runs the CLI with `argv` (without node and script) and resolves to its exit code. `io` replaces the
 * process's streams and environment, in part or whole (tests run the CLI in-process this way).
 */
export async function runCli(argv: string[], io: Partial<CliIo> = {}): Promise<number> {
  const given: CliIo = { ...processIo, ...io }
  // Nothing the CLI prints can move the cursor, clear the screen or reorder text: names come from files
  // and from AWS, so every control, bidi and zero-width character is printed escaped.
  const cliIo: CliIo = {
    ...given,
    out: (line) => given.out(escapeInvisible(line)),
    err: (line) => given.err(escapeInvisible(line))
  }
  const json = argv.includes('--json')
  const fail = (code: string, message: string, exitCode: number): number => {
    if (json) cliIo.out(JSON.stringify({ ok: false, error: { code, message } }))
    return exitCode
  }
  const program = buildProgram(cliIo)
  const hostExitCode = process.exitCode
  try {
    process.exitCode = undefined
    await program.parseAsync(argv, { from: 'user' })
    return typeof process.exitCode === 'number' ? process.exitCode : exitCodes.ok
  } catch (error) {
    if (error instanceof CommanderError) {
      const benign = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code)
      if (benign) return exitCodes.ok
      return fail('USAGE', clipLongRuns(error.message.replace(/^error: /, '')), exitCodes.usage)
    }
    const app = error instanceof AppError ? error : undefined
    const message =
      app?.message ?? `Unexpected failure: ${error instanceof Error ? error.message : String(error)}`
    cliIo.err(`Error: ${message}`)
    return fail(
      app?.code ?? 'INTERNAL',
      message,
      app?.is('OUTCOME_UNKNOWN') ? exitCodes.outcomeUnknown : exitCodes.failed
    )
  } finally {
    process.exitCode = hostExitCode
    await closeServices()
  }
}
