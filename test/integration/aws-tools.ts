/** Runs AWS's own clients (the AWS CLI, boto3) as child processes, isolated from the real ~/.aws. */
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface Run {
  code: number
  stdout: string
  stderr: string
}

/** Fails with install instructions when a tool is missing, instead of skipping. */
export function requireTool(command: string, args: string[], install: string): void {
  const probe = spawnSync(command, args, { encoding: 'utf8' })
  if (probe.error || probe.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${probe.error?.message ?? probe.stderr.trim()}). Install it: ${install}`
    )
  }
}

/** The first Python on this machine that can import boto3 (pyenv's or Debian's), or a clear failure. */
export function pythonWithBoto3(): string {
  for (const python of ['python3', '/usr/bin/python3']) {
    if (spawnSync(python, ['-c', 'import boto3'], { encoding: 'utf8' }).status === 0) return python
  }
  throw new Error('No python3 here can import boto3. Install it: sudo apt-get install -y python3-boto3')
}

/** A private folder with an AWS config file and an environment that points only there. */
export function awsHome(config: string): { env: NodeJS.ProcessEnv; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'cp-aws-home-'))
  writeFileSync(join(dir, 'config'), config)
  writeFileSync(join(dir, 'credentials'), '')
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('AWS_')) env[key] = value
  Object.assign(env, {
    HOME: dir,
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    AWS_PAGER: '',
    AWS_DEFAULT_OUTPUT: 'json',
    AWS_EC2_METADATA_DISABLED: 'true'
  })
  return { env, dir }
}

/** Runs a command asynchronously (the Sandbox may be serving from this very process). */
export function run(command: string, args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }))
    child.stdin.end(input)
  })
}
