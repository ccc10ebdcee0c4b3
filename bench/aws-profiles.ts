/**
 * The generated AWS config and credentials files the benchmarks list: 500 profiles of every kind. Kept
 * apart from the .bench.ts files so another benchmark can import it without registering their tests.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

const regions = ['us-east-1', 'us-west-2', 'eu-west-2', 'eu-central-1', 'ap-southeast-2']

/** 500 profiles: 200 with keys (credentials file), 150 roles chained to them, 100 SSO, 50 credential_process. */
export function generateAwsFiles(dir: string): { config: string; credentials: string } {
  const config: string[] = [
    '[sso-session corp]',
    'sso_start_url = https://corp.awsapps.com/start',
    'sso_region = us-east-1',
    ''
  ]
  const credentials: string[] = []
  for (let i = 0; i < 500; i++) {
    const region = regions[i % regions.length]
    if (i < 200) {
      credentials.push(
        `[profile-${i}]`,
        `aws_access_key_id = AKIABENCH${String(i).padStart(11, '0')}`,
        `aws_secret_access_key = secret${i}`,
        ''
      )
      config.push(`[profile profile-${i}]`, `region = ${region}`, '')
    } else if (i < 350) {
      config.push(
        `[profile profile-${i}]`,
        `role_arn = arn:aws:iam::111122223333:role/R${i}`,
        `source_profile = profile-${i - 200}`,
        `region = ${region}`,
        ''
      )
    } else if (i < 450) {
      config.push(
        `[profile profile-${i}]`,
        'sso_session = corp',
        'sso_account_id = 111122223333',
        'sso_role_name = Admin',
        `region = ${region}`,
        ''
      )
    } else {
      config.push(
        `[profile profile-${i}]`,
        `credential_process = /usr/local/bin/creds ${i}`,
        `region = ${region}`,
        ''
      )
    }
  }
  const files = { config: join(dir, 'config'), credentials: join(dir, 'credentials') }
  writeFileSync(files.config, config.join('\n'))
  writeFileSync(files.credentials, credentials.join('\n'))
  return files
}
