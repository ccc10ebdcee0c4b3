/**
 * A CA and a server certificate for 127.0.0.1/localhost, made in-process at test time (never committed):
 * RSA keys from node:crypto, certificates built and signed with the pinned devDependency node-forge,
 * so `npm test` needs no `openssl` binary.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import forge from 'node-forge'

export interface TestPki {
  caFile: string
  key: string
  cert: string
}

const DAY_MS = 24 * 60 * 60 * 1000

/** A 2048-bit RSA key pair, the private key as unencrypted PKCS#8 PEM (as `openssl req -newkey rsa:2048 -nodes`). */
function rsaKeyPair(): {
  keyPem: string
  privateKey: forge.pki.rsa.PrivateKey
  publicKey: forge.pki.rsa.PublicKey
} {
  const { privateKey: keyPem, publicKey: publicPem } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' }
  })
  return {
    keyPem,
    privateKey: forge.pki.privateKeyFromPem(keyPem) as forge.pki.rsa.PrivateKey,
    publicKey: forge.pki.publicKeyFromPem(publicPem) as forge.pki.rsa.PublicKey
  }
}

/** A fresh v3 certificate: random positive 128-bit serial, valid from now for 2 days (as `-days 2`). */
function newCertificate(publicKey: forge.pki.rsa.PublicKey, commonName: string): forge.pki.Certificate {
  const cert = forge.pki.createCertificate()
  cert.publicKey = publicKey
  const serial = randomBytes(16)
  serial[0] = serial[0]! & 0x7f
  cert.serialNumber = serial.toString('hex')
  const now = Date.now()
  cert.validity.notBefore = new Date(now)
  cert.validity.notAfter = new Date(now + 2 * DAY_MS)
  cert.setSubject([{ name: 'commonName', value: commonName }])
  return cert
}

export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'cp-pki-'))

  const ca = rsaKeyPair()
  const caCert = newCertificate(ca.publicKey, 'Connect Provisioner Test CA')
  caCert.setIssuer(caCert.subject.attributes)
  caCert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: true }
  ])
  caCert.sign(ca.privateKey, forge.md.sha256.create())

  const server = rsaKeyPair()
  const serverCert = newCertificate(server.publicKey, '127.0.0.1')
  serverCert.setIssuer(caCert.subject.attributes)
  serverCert.setExtensions([
    {
      name: 'subjectAltName',
      altNames: [
        { type: 7, ip: '127.0.0.1' },
        { type: 2, value: 'localhost' }
      ]
    },
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
    { name: 'extKeyUsage', serverAuth: true },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() }
  ])
  serverCert.sign(ca.privateKey, forge.md.sha256.create())

  const caFile = join(dir, 'ca.pem')
  writeFileSync(caFile, forge.pki.certificateToPem(caCert))
  return {
    caFile,
    key: server.keyPem,
    cert: forge.pki.certificateToPem(serverCert)
  }
}
