/** A CA and a server certificate for 127.0.0.1/localhost, made with openssl at test time (never committed). */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface TestPki {
  caFile: string
  key: string
  cert: string
}

export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'cp-pki-'))
  const run = (...args: string[]): void => {
    try {
      execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' })
    } catch (error) {
      throw new Error(
        `openssl ${args[0]} failed (${(error as Error).message}); install it with: sudo apt-get install -y openssl`,
        { cause: error }
      )
    }
  }
  run(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=Connect Provisioner Test CA'
  )
  run(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'server.key',
    '-out',
    'server.csr',
    '-subj',
    '/CN=127.0.0.1'
  )
  writeFileSync(
    join(dir, 'san.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n'
  )
  run(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.pem',
    '-days',
    '2',
    '-extfile',
    'san.ext'
  )
  return {
    caFile: join(dir, 'ca.pem'),
    key: readFileSync(join(dir, 'server.key'), 'utf8'),
    cert: readFileSync(join(dir, 'server.pem'), 'utf8')
  }
}
