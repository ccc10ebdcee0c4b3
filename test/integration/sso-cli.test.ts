/**
 * IAM Identity Center from the command line, run in-process against the Sandbox: `login` prints the
 * page and code on stderr and opens the browser through the injected opener (a stand-in that approves
 * the Sandbox's page), `sso accounts` lists what the session grants, `--sso-session/--sso-account/
 * --sso-role` stand for a profile in instances, create and bulk, and `logout` ends it.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCli } from '../../src/main/cli'
import { awsConfigSnippet } from '../../src/main/sandbox/aws-config'
import { demoSeed } from '../../src/main/sandbox/demo-seed'
import { startSandbox, type Sandbox } from '../../src/main/sandbox/server'
import { tokenCacheKey } from '../../src/main/services/sso/token-cache'
import { visitSignInPage, type BrowserChoice } from './sso-browser'

let sandbox: Sandbox
let home: string
let env: NodeJS.ProcessEnv
const opened: string[] = []
let choice: BrowserChoice = { decision: 'allow' }

beforeAll(async () => {
  sandbox = await startSandbox({ throttle: { rate: 0, burst: 1 } })
  home = mkdtempSync(join(tmpdir(), 'cp-sso-cli-'))
  mkdirSync(join(home, '.aws'))
  writeFileSync(join(home, '.aws', 'config'), awsConfigSnippet(demoSeed(), sandbox.url))
  writeFileSync(join(home, '.aws', 'credentials'), '')
  env = {
    HOME: home,
    AWS_CONFIG_FILE: join(home, '.aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    CONNECT_PROVISIONER_HOME: join(home, 'data'),
    AGENT_PASSWORD: 'Sup3rSecretPassw0rd'
  }
})
afterAll(() => sandbox?.close())

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = []
  const err: string[] = []
  const code = await runCli(argv, {
    env,
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    stdin: () => Promise.reject(new Error('no stdin in this test')),
    ask: () => Promise.reject(new Error('no terminal in this test')),
    openUrl: async (url) => {
      opened.push(url)
      await visitSignInPage(url, choice)
    }
  })
  return { code, stdout: out.join('\n'), stderr: err.join('\n') }
}

const asAdmin = ['--sso-session', 'sandbox', '--sso-account', '111122223333', '--sso-role', 'ConnectAdmin']

describe('connect-provisioner login / logout', () => {
  it('signs in through the browser, printing the page on stderr, and writes the AWS CLI v2 cache', async () => {
    const result = await cli(['login', '--sso-session', 'sandbox'])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toMatch(
      /^Signed in to IAM Identity Center session "sandbox" until \d{4}-.*renewed automatically/
    )
    expect(result.stderr).toContain('Signing in to IAM Identity Center session "sandbox".')
    expect(result.stderr).toContain(`  ${opened.at(-1)}`)
    expect(opened.at(-1)).toMatch(new RegExp(`^${sandbox.url}/authorize\\?response_type=code&`))
    const token = JSON.parse(
      readFileSync(join(home, '.aws', 'sso', 'cache', `${tokenCacheKey('sandbox')}.json`), 'utf8')
    )
    expect(token).toMatchObject({ startUrl: `${sandbox.url}/start`, region: 'us-east-1' })
    // Nothing secret on the terminal.
    expect(result.stdout + result.stderr).not.toContain(token.accessToken)
    expect(result.stdout + result.stderr).not.toContain(token.clientSecret)
  })

  it('lists the accounts and roles granted, with the flags to use them', async () => {
    const result = await cli(['sso', 'accounts', '--sso-session', 'sandbox'])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toMatch(/111122223333\s+Alpha Contact Center\s+ConnectAdmin, ConnectReadOnly/)
    expect(result.stdout).toContain('--sso-session sandbox --sso-account ACCOUNT --sso-role ROLE')
    const sessions = await cli(['sso', 'sessions', '--json'])
    const list = JSON.parse(sessions.stdout) as { sessions: Array<{ session: string; signedIn: boolean }> }
    expect(list.sessions.find((s) => s.session === 'sandbox')?.signedIn).toBe(true)
    expect(sessions.stdout).not.toMatch(/accessToken|aoa/)
  })

  it('takes --sso-session/--sso-account/--sso-role in place of --profile: instances and create', async () => {
    const instances = await cli([
      'instances',
      ...asAdmin.slice(0, 2),
      '--sso-account',
      '444455556666',
      '--sso-role',
      'ConnectAdmin',
      '--region',
      'eu-west-2'
    ])
    expect(instances.code, instances.stderr).toBe(0)
    expect(instances.stdout).toContain('bravo-retail')
    const created = await cli([
      'create',
      ...asAdmin,
      '--instance',
      'alpha-contact-center',
      '--routing-profile',
      'Sales Inbound',
      '--security-profile',
      'Agent',
      '--username',
      'sso.cli.agent',
      '--first-name',
      'Sso',
      '--last-name',
      'Agent',
      '--email',
      'sso.cli.agent@alpha.example.com',
      '--password-env',
      'AGENT_PASSWORD'
    ])
    expect(created.code, created.stderr).toBe(0)
    expect(created.stdout).toMatch(
      /^Created sso\.cli\.agent in alpha-contact-center \(111122223333, us-east-1\)/
    )
    const bulkHelp = await cli(['bulk', 'plan', '--help'])
    expect(bulkHelp.stdout).toContain('--sso-session')
  })

  it('refuses half the SSO flags, or them with --profile, as usage errors', async () => {
    const half = await cli(['instances', '--sso-session', 'sandbox', '--sso-account', '111122223333'])
    expect(half.code).toBe(2)
    expect(half.stderr).toContain('--sso-session, --sso-account and --sso-role go together')
    const both = await cli(['whoami', '--profile', 'x', ...asAdmin])
    expect(both.code).toBe(2)
    const badAccount = await cli([
      'whoami',
      '--sso-session',
      'sandbox',
      '--sso-account',
      '12',
      '--sso-role',
      'R'
    ])
    expect(badAccount.code).toBe(2)
    const nothing = await cli(['login'])
    expect(nothing.code).toBe(2)
  })

  it('reports a denied sign-in with exit 1 and what to do', async () => {
    choice = { decision: 'deny' }
    try {
      const result = await cli(['login', '--profile', 'sandbox-sso-alpha-connectadmin', '--json'])
      expect(result.code).toBe(1)
      expect(JSON.parse(result.stdout)).toEqual({
        ok: false,
        error: { code: 'CREDENTIALS', message: expect.stringMatching(/denied in the browser/) }
      })
    } finally {
      choice = { decision: 'allow' }
    }
  })

  it('logs out: the next call asks to sign in again', async () => {
    await cli(['login', '--sso-session', 'sandbox'])
    const result = await cli(['logout', '--sso-session', 'sandbox'])
    expect(result.code, result.stderr).toBe(0)
    expect(result.stdout).toBe('Signed out of IAM Identity Center session "sandbox".')
    // (whoami would answer from the account cache: instances always asks AWS.)
    const after = await cli(['instances', ...asAdmin])
    expect(after.code).toBe(1)
    expect(after.stderr).toMatch(
      /not signed in to IAM Identity Center session "sandbox".*connect-provisioner login --sso-session sandbox/
    )
    const again = await cli(['logout', '--sso-session', 'sandbox'])
    expect(again.stdout).toMatch(/Not signed in/)
  })
})
