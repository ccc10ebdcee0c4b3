/**
 * The `connect-provisioner` command line: the same services as the app, for scripting and headless
 * checks. Exit codes: 0 success, 1 the operation failed, 2 usage error.
 */
import { Command, CommanderError } from 'commander'
import { version } from '../../package.json'
import { exitCodes } from './cli/options'
import { accountCommands } from './cli/account-commands'
import { closeServices } from './cli/cli-host'
import { createCommand } from './cli/create-command'
import { sandboxCommand } from './cli/sandbox-command'
import { templateCommands } from './cli/template-commands'

/** Builds the program; output goes through `out`/`err` so tests can capture it. */
export function buildProgram(out: (line: string) => void, err: (line: string) => void): Command {
  const program = new Command('connect-provisioner')
    .description('Create Amazon Connect users safely: profiles, templates, bulk CSV, and a local Sandbox.')
    .version(version)
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (text) => out(text.trimEnd()),
      writeErr: (text) => err(text.trimEnd())
    })
    .exitOverride()
  for (const command of accountCommands(out)) program.addCommand(command)
  program.addCommand(templateCommands(out))
  program.addCommand(createCommand(out))
  program.addCommand(sandboxCommand(out))
  const configure = (command: Command): void => {
    command.exitOverride().configureOutput(program.configureOutput())
    command.commands.forEach(configure)
  }
  program.commands.forEach(configure)
  return program
}

/** Runs the CLI with `argv` (without node and script) and resolves to its exit code. */
export async function runCli(
  argv: string[],
  out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  err: (line: string) => void = (line) => process.stderr.write(`${line}\n`)
): Promise<number> {
  const program = buildProgram(out, err)
  try {
    process.exitCode = undefined
    await program.parseAsync(argv, { from: 'user' })
    return typeof process.exitCode === 'number' ? process.exitCode : exitCodes.ok
  } catch (error) {
    if (error instanceof CommanderError) {
      const benign = ['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(error.code)
      return benign ? exitCodes.ok : error.exitCode === exitCodes.failed ? exitCodes.usage : error.exitCode
    }
    err(`Error: ${error instanceof Error ? error.message : String(error)}`)
    return exitCodes.failed
  } finally {
    await closeServices()
  }
}
