/**
 * `login`, `logout` and `sso sessions|accounts`: IAM Identity Center from the command line, with the
 * same service as the app. The sign-in page and its code go to stderr (stdout stays clean for --json);
 * the browser opens through `io.openUrl` (tests pass one that approves the page).
 */
import { Command } from 'commander'
import type { SsoSessionRef } from '../services/sso/sessions'
import type { SsoSignInStarted } from '../services/sso/sso-service'
import { cliServices, type CliIo } from './cli-host'
import { exitCodes, integer, table } from './options'

interface SessionFlags {
  profile?: string
  ssoSession?: string
  json?: boolean
}

/** The session `--profile` or `--sso-session` names (exactly one of them). */
function sessionRef(flags: SessionFlags, command: Command): SsoSessionRef {
  if (flags.profile !== undefined && flags.ssoSession !== undefined)
    command.error('error: give --profile or --sso-session, not both.', { exitCode: exitCodes.usage })
  if (flags.ssoSession !== undefined) return { session: flags.ssoSession }
  if (flags.profile !== undefined) return { profile: flags.profile }
  return command.error('error: --profile or --sso-session is required.', { exitCode: exitCodes.usage })
}

/** What the admin reads while the sign-in waits for the browser. */
function describeStart(started: SsoSignInStarted, err: (line: string) => void): void {
  err(`Signing in to IAM Identity Center session "${started.session}".`)
  if (started.fallback) err(started.fallback)
  err(
    started.browserOpened
      ? 'The sign-in page was opened in your browser. If it did not open, or to use another device, open:'
      : `Open this page in a browser${started.browserProblem ? ` (${started.browserProblem})` : ''}:`
  )
  err('')
  err(`  ${started.url}`)
  err('')
  if (started.userCode) {
    err(`Check that the page shows this code: ${started.userCode}`)
    if (started.verificationUri) err(`(or open ${started.verificationUri} and type it)`)
  }
  err('Waiting for the browser (Ctrl+C cancels)…')
}

export function ssoCommands(io: CliIo): Command[] {
  const out = io.out
  const login = new Command('login')
    .description(
      'Sign in to IAM Identity Center (the authorization code through the browser, as `aws sso login`) and cache the token where the AWS CLI v2 does.'
    )
    .option('--profile <name>', 'an SSO profile of ~/.aws/config (sso_session, or legacy sso_start_url)')
    .option(
      '--sso-session <name>',
      'an [sso-session] of ~/.aws/config, a session of the app, or sandbox:identity-center'
    )
    .option('--use-device-code', 'sign in with a device code instead of the loopback redirect')
    .option('--no-browser', 'print the sign-in page instead of opening the browser')
    .option('--timeout <seconds>', 'give up after this long (default 600)', integer(10, 3600))
    .option('--json', 'print JSON')
    .action(
      async (
        flags: SessionFlags & { useDeviceCode?: boolean; browser: boolean; timeout?: number },
        command: Command
      ) => {
        const ref = sessionRef(flags, command)
        const services = await cliServices(flags.browser ? io : { ...io, openUrl: undefined })
        const controller = new AbortController()
        const interactive = io.env === process.env
        const cancel = (): void => controller.abort()
        if (interactive) process.once('SIGINT', cancel)
        try {
          const status = await services.sso.signIn(ref, {
            ...(flags.useDeviceCode ? { useDeviceCode: true } : {}),
            ...(flags.timeout ? { timeoutMs: flags.timeout * 1000 } : {}),
            signal: controller.signal,
            onStarted: (started) => describeStart(started, io.err)
          })
          if (flags.json) return out(JSON.stringify(status, null, 2))
          out(
            `Signed in to IAM Identity Center session "${status.session}" until ${status.expiresAt ?? '?'}${status.refreshable ? ' (renewed automatically while the session lasts)' : ''}.`
          )
        } finally {
          if (interactive) process.off('SIGINT', cancel)
        }
      }
    )

  const logout = new Command('logout')
    .description('Sign out of IAM Identity Center: end the session (Logout) and remove its cached token.')
    .option('--profile <name>', 'an SSO profile of ~/.aws/config')
    .option('--sso-session <name>', 'an IAM Identity Center session')
    .option('--json', 'print JSON')
    .action(async (flags: SessionFlags, command: Command) => {
      const ref = sessionRef(flags, command)
      const services = await cliServices(io)
      const result = await services.sso.signOut(ref)
      if (flags.json) return out(JSON.stringify(result, null, 2))
      const session = result.status.session
      if (!result.removed)
        return out(`Not signed in to IAM Identity Center session "${session}": nothing to do.`)
      out(
        result.loggedOut
          ? `Signed out of IAM Identity Center session "${session}".`
          : `Removed the cached token of session "${session}"; Identity Center could not be told (the session ends when it expires).`
      )
    })

  const sessions = new Command('sessions')
    .description(
      'List the IAM Identity Center sessions (~/.aws/config, the app, the Sandbox) and whether each is signed in.'
    )
    .option('--json', 'print JSON')
    .action(async (flags: { json?: boolean }) => {
      const services = await cliServices(io)
      const list = services.sso.sessions()
      if (flags.json) return out(JSON.stringify(list, null, 2))
      table([
        ['SESSION', 'FROM', 'REGION', 'SIGNED IN', 'START URL'],
        ...list.sessions.map((s) => [
          s.session,
          s.source,
          s.region,
          s.signedIn ? `until ${s.expiresAt ?? '?'}` : 'no',
          s.startUrl || '(local Sandbox)'
        ])
      ]).forEach((line) => out(line))
      for (const problem of list.problems) out(`${problem.session}: ${problem.reason}`)
    })

  const accounts = new Command('accounts')
    .description(
      'List the AWS accounts and roles an IAM Identity Center session grants, with the flags that use each.'
    )
    .requiredOption('--sso-session <name>', 'an IAM Identity Center session (signed in)')
    .option('--refresh', 'ask Identity Center again instead of the list kept for 10 minutes')
    .option('--json', 'print JSON')
    .action(async (flags: { ssoSession: string; refresh?: boolean; json?: boolean }) => {
      const services = await cliServices(io)
      const list = await services.sso.accountsWithRoles(
        flags.ssoSession,
        flags.refresh ? { refresh: true } : {}
      )
      if (flags.json) return out(JSON.stringify(list, null, 2))
      table([
        ['ACCOUNT', 'NAME', 'ROLES'],
        ...list.map((a) => [
          a.accountId,
          a.accountName,
          a.roles.map((r) => r.roleName).join(', ') || '(none)'
        ])
      ]).forEach((line) => out(line))
      out('')
      out(`Use one with: --sso-session ${flags.ssoSession} --sso-account ACCOUNT --sso-role ROLE`)
    })

  const sso = new Command('sso')
    .description('IAM Identity Center sessions and the accounts and roles they grant.')
    .addCommand(sessions)
    .addCommand(accounts)

  return [login, logout, sso]
}
