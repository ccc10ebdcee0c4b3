/**
 * What the bulk benchmarks share: the demo Sandbox's two accounts, the app's services pointed at a
 * Sandbox through an AWS config file (as an admin's profiles would be), and the CSV files they send.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openFileDocumentStore } from '../src/main/cli/file-store'
import { createServices, type Services } from '../src/main/composition'
import { demoAccounts } from '../src/main/sandbox/demo-seed'
import { memorySettings } from '../src/main/services/settings-service'
import type { InstanceContext } from '../src/shared/accounts'

export type DemoAccount = (typeof demoAccounts)[keyof typeof demoAccounts]
export const accounts = { alpha: demoAccounts.alpha, bravo: demoAccounts.bravo }

/** The instance context of a demo account, with the profile name the bench's AWS config gives it. */
export const contextOf = (account: DemoAccount): InstanceContext => ({
  profile: account.profile,
  region: account.region,
  instanceId: account.instanceId
})

/** This process's environment without anything that would pick another profile, Region or endpoint. */
export function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) =>
        !/^AWS_(PROFILE|DEFAULT_PROFILE|REGION|DEFAULT_REGION|ENDPOINT_URL.*|ACCESS_KEY_ID|SECRET_ACCESS_KEY|SESSION_TOKEN|CONFIG_FILE|SHARED_CREDENTIALS_FILE)$/.test(
          key
        )
    )
  )
}

/** An AWS config naming both demo accounts, pointed at the Sandbox at `url`, and an env that reads only it. */
export function awsFilesFor(dir: string, url: string): NodeJS.ProcessEnv {
  mkdirSync(dir, { recursive: true })
  const profile = (a: DemoAccount): string =>
    `[profile ${a.profile}]\nregion = ${a.region}\nendpoint_url = ${url}\naws_access_key_id = ${a.accessKeyId}\naws_secret_access_key = ${a.secretAccessKey}\n`
  writeFileSync(join(dir, 'config'), `${profile(accounts.alpha)}\n${profile(accounts.bravo)}`)
  writeFileSync(join(dir, 'credentials'), '')
  return {
    ...cleanEnv(),
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_PAGER: '',
    AWS_DEFAULT_OUTPUT: 'json'
  }
}

/** The app's services as the CLI builds them, on a fresh data folder, with AWS profiles for the Sandbox at `url`. */
export function appServices(
  url: string,
  work: string
): { services: Services; env: NodeJS.ProcessEnv; folder: string } {
  const dir = mkdtempSync(join(work, 'app-'))
  const env = awsFilesFor(join(dir, 'aws'), url)
  // The SDK's own profile loaders read the process's environment too.
  Object.assign(process.env, {
    AWS_CONFIG_FILE: env['AWS_CONFIG_FILE'],
    AWS_SHARED_CREDENTIALS_FILE: env['AWS_SHARED_CREDENTIALS_FILE'],
    AWS_EC2_METADATA_DISABLED: 'true'
  })
  const folder = join(dir, 'data')
  const services = createServices({
    name: 'bench',
    version: '0',
    userDataPath: folder,
    settings: memorySettings(),
    openStore: openFileDocumentStore,
    notices: [],
    emit: () => {},
    env
  })
  return { services, env, folder }
}

export const newWork = (name: string): string => mkdtempSync(join(tmpdir(), `cp-bench-${name}-`))

const firstNames = ['Priya', 'Tomasz', 'Aoife', 'Kwame', 'Sofia', 'Liam', 'Mei', 'Omar', 'Ana', 'Jonas']
const lastNames = ['Raman', 'Nowak', 'Byrne', 'Mensah', 'Rossi', 'Walsh', 'Chen', 'Haddad', 'Silva', 'Berg']

/** The admin website's bulk template header (2024/25), as docs/bulk.md gives it. */
export const consoleHeader =
  'first name,last name,email address,secondary email address,mobile,password,user login,routing profile name,security_profile_name_1|security_profile_name_2,user_hierarchy_1|user_hierarchy_2,phone type (soft/desk),phone number,soft phone auto accept (yes/no),ACW timeout (seconds),tags'

/** A console-form CSV of `count` valid new agents for Alpha (CONNECT_MANAGED), usernames `${prefix}NNNNN`. */
export function alphaCsv(count: number, prefix = 'bulk'): string {
  const routing = ['Sales Inbound', 'Support Tier 1', 'Support Tier 2']
  const hierarchy = ['EMEA|London|Tier 1', 'EMEA|London|Tier 2', 'EMEA|Dublin|Tier 1', 'AMER|Seattle|Tier 1']
  const lines = [consoleHeader]
  for (let i = 0; i < count; i++) {
    const first = firstNames[i % firstNames.length] ?? 'A'
    const last = lastNames[Math.floor(i / firstNames.length) % lastNames.length] ?? 'B'
    const username = `${prefix}${String(i + 1).padStart(5, '0')}`
    lines.push(
      [
        first,
        last,
        `${username}@alpha.example.com`,
        '',
        i % 3 === 0 ? `+4477009${String(i % 100000).padStart(5, '0')}` : '',
        `Welcome-${2026 + (i % 7)}x`,
        username,
        routing[i % routing.length],
        i % 5 === 0 ? 'Agent|QualityAnalyst' : 'Agent',
        hierarchy[i % hierarchy.length],
        'soft',
        '',
        i % 2 ? 'yes' : 'no',
        String((i % 4) * 30),
        `team=bench;site=s${i % 4}`
      ].join(',')
    )
  }
  return `${lines.join('\r\n')}\r\n`
}

/** The SAML variant of the template (no e-mail, no password), for Bravo. */
export const samlHeader =
  'first name,last name,user login,routing profile name,security_profile_name_1|security_profile_name_2,user_hierarchy_1|user_hierarchy_2,phone type (soft/desk),phone number,soft phone auto accept (yes/no),ACW timeout (seconds),tags'

/** A console-form (SAML) CSV of `count` valid new agents for Bravo. */
export function bravoCsv(count: number, prefix = 'bulk'): string {
  const routing = ['Store Support', 'Online Orders']
  const hierarchy = ['United Kingdom|Manchester|Early', 'United Kingdom|Manchester|Late']
  const lines = [samlHeader]
  for (let i = 0; i < count; i++) {
    const username = `${prefix}${String(i + 1).padStart(5, '0')}@bravo.example.com`
    lines.push(
      [
        firstNames[i % firstNames.length],
        lastNames[Math.floor(i / firstNames.length) % lastNames.length],
        username,
        routing[i % routing.length],
        'Agent',
        hierarchy[i % hierarchy.length],
        'soft',
        '',
        'yes',
        '60',
        'team=bench'
      ].join(',')
    )
  }
  return `${lines.join('\r\n')}\r\n`
}
