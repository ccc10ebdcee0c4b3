/**
 * The `connect-provisioner` command line: the same services as the app, for scripting and headless
 * checks. Exit codes: 0 success, 1 the operation failed, 2 usage error, 3 outcome unknown (a user may
 * have been created and nothing could confirm it).
 */
import { Command, CommanderError } from 'commander'
import { version } from '../../package.json'
import { AppError } from '../shared/result'
import { exitCodes } from './cli/options'
import { accountCommands } from './cli/account-commands'
import { closeServices, processIo, type CliIo } from './cli/cli-host'
import { createCommand } from './cli/create-command'
import { sandboxCommand } from './cli/sandbox-command'
import { templateCommands } from './cli/template-commands'

/** Builds the program; everything it reads and writes goes through `io`, so tests run it in-process. */
export function buildProgram(io: CliIo): Command {
  const program = new Command('connect-provisioner')
    .description('Create Amazon Connect users safely: profiles, templates, bulk CSV, and a local Sandbox.')
    .version(version)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (text) => io.out(text.trimEnd()),
      writeErr: (text) => io.err(text.trimEnd())
    })
    .exitOverride()
  for (const command of accountCommands(io)) program.addCommand(command)
  program.addCommand(templateCommands(io))
  program.addCommand(createCommand(io))
  program.addCommand(sandboxCommand(io.out))
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
  const cliIo: CliIo = { ...processIo, ...io }
  const program = buildProgram(cliIo)
  try {
    process.exitCode = undefined
    await program.parseAsync(argv, { from: 'user' })
    return typeof process.exitCode === 'number' ? process.exitCode : exitCodes.ok
  } catch (error) {
    if (error instanceof CommanderError) {
      const benign = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code)
      return benign ? exitCodes.ok : error.exitCode === exitCodes.failed ? exitCodes.usage : error.exitCode
    }
    cliIo.err(`Error: ${error instanceof Error ? error.message : String(error)}`)
    return error instanceof AppError && error.is('OUTCOME_UNKNOWN')
      ? exitCodes.outcomeUnknown
      : exitCodes.failed
  } finally {
    await closeServices()
  }
}
