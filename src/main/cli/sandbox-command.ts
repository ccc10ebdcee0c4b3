/** `connect-provisioner sandbox`: runs the Sandbox in the foreground, or prints its AWS config. */
import { Command } from 'commander'
import { existsSync } from 'node:fs'
import { isIP } from 'node:net'
import type { SandboxSeed } from '../sandbox/seed'
import { decimal, exitCodes, integer } from './options'

interface SandboxFlags {
  port?: number
  host: string
  seed?: string
  state?: string
  rate: number
  burst: number
  failRate: number
  dropRate: number
  commitThenDropRate: number
  latencyMs: number
  printAwsConfig?: boolean
  allowRemote?: boolean
}

const isLoopback = (host: string): boolean =>
  host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'))

/** Where the world comes from: a saved state, else a seed file, else the demo. */
async function chooseSeed(flags: SandboxFlags): Promise<SandboxSeed> {
  const { loadSeedFile } = await import('../sandbox/seed')
  if (flags.state && existsSync(flags.state)) return loadSeedFile(flags.state)
  return flags.seed ? loadSeedFile(flags.seed) : (await import('../sandbox/demo-seed')).demoSeed()
}

/** Builds the `sandbox` command; `out` receives its output. */
export function sandboxCommand(out: (line: string) => void): Command {
  return new Command('sandbox')
    .description(
      'Run the Sandbox (a local Amazon Connect + STS + IAM Identity Center emulator) in the foreground until Ctrl+C.'
    )
    .option('--port <n>', 'port to listen on (default: any free port)', integer(0, 65535))
    .option('--host <address>', 'address to listen on; loopback unless --allow-remote', '127.0.0.1')
    .option('--seed <file>', 'JSON seed describing accounts, roles, instances and users (default: the demo)')
    .option(
      '--state <file>',
      'keep the state in this file: loaded at start if present, saved after each change'
    )
    .option(
      '--rate <r>',
      'requests/second per account and Region; 0 turns throttling off',
      decimal(0, 1e6),
      2
    )
    .option('--burst <b>', 'requests allowed at once before throttling', integer(1, 1e6), 5)
    .option(
      '--fail-rate <p>',
      'fraction (0-1) of requests answered 500 InternalServiceException',
      decimal(0, 1),
      0
    )
    .option(
      '--drop-rate <p>',
      'fraction (0-1) of requests whose connection is reset before processing',
      decimal(0, 1),
      0
    )
    .option(
      '--commit-then-drop-rate <p>',
      'fraction (0-1) of writes done, then reset before the answer',
      decimal(0, 1),
      0
    )
    .option('--latency-ms <n>', 'added latency per request, in milliseconds', integer(0, 600_000), 0)
    .option('--print-aws-config', 'print a ~/.aws/config snippet for the Sandbox on --port and exit')
    .option('--allow-remote', 'allow a --host that is not a loopback address (the demo keys are public!)')
    .addHelpText(
      'after',
      '\nExamples:\n  connect-provisioner sandbox --port 4566\n  connect-provisioner sandbox --port 4566 --print-aws-config >> ~/.aws/config\n  aws --profile sandbox-alpha connect list-instances'
    )
    .action(async (flags: SandboxFlags, command: Command) => {
      if (!flags.allowRemote && !isLoopback(flags.host)) {
        command.error(
          `--host ${flags.host} is not a loopback address; add --allow-remote to expose the Sandbox.`,
          {
            exitCode: exitCodes.usage,
            code: 'sandbox.remote'
          }
        )
      }
      const seed = await chooseSeed(flags)
      const { awsConfigSnippet, sandboxProfiles } = await import('../sandbox/aws-config')
      if (flags.printAwsConfig) {
        if (flags.port === undefined || flags.port === 0) {
          command.error('--print-aws-config needs --port N: the port the Sandbox runs (or will run) on.', {
            exitCode: exitCodes.usage,
            code: 'sandbox.port'
          })
        }
        const host = flags.host.includes(':') ? `[${flags.host}]` : flags.host
        out(awsConfigSnippet(seed, `http://${host}:${flags.port}`).trimEnd())
        return
      }
      const { startSandbox } = await import('../sandbox/server')
      const sandbox = await startSandbox({
        seed,
        host: flags.host,
        port: flags.port ?? 0,
        throttle: { rate: flags.rate, burst: flags.burst },
        faults: {
          failRate: flags.failRate,
          dropRate: flags.dropRate,
          commitThenDropRate: flags.commitThenDropRate,
          latencyMs: flags.latencyMs
        },
        ...(flags.state ? { stateFile: flags.state } : {})
      })
      out(`Sandbox listening on ${sandbox.url}`)
      for (const profile of sandboxProfiles(seed)) {
        const how = profile.keys
          ? `aws_access_key_id=${profile.keys.accessKeyId} aws_secret_access_key=${profile.keys.secretAccessKey}`
          : `role ${profile.role?.arn} via ${profile.role?.sourceProfile}${profile.role?.mfaSerial ? ` (MFA ${profile.role.mfaSerial}, code 123456 in the demo)` : ''}`
        out(`  ${profile.name}: account ${profile.accountId}, ${profile.region}, ${how}`)
      }
      const center = seed.identityCenter
      if (center) {
        out(
          `  IAM Identity Center: start URL ${sandbox.url}/start, Region ${center.region}, users ${center.users.map((u) => u.userName).join(', ')} (the sign-in page asks which)`
        )
      }
      out(`AWS config: connect-provisioner sandbox --port ${sandbox.port} --print-aws-config`)
      out('Press Ctrl+C to stop.')
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          void sandbox.close().then(resolve)
        }
        process.once('SIGINT', stop)
        process.once('SIGTERM', stop)
      })
    })
}
