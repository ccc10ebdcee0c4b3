/**
 * PKCE (RFC 7636) as the AWS CLI v2 does it: a 64-character verifier from the unreserved alphabet, its
 * S256 challenge in base64url without padding, and a random `state` to match the redirect against.
 */
import { createHash, randomInt, randomUUID } from 'node:crypto'

const unreserved = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~'

/** A fresh verifier, its challenge and a state. */
export interface Pkce {
  verifier: string
  challenge: string
  state: string
}

/** The S256 challenge of `verifier`: base64url(sha256(verifier)) without `=`. */
export function codeChallenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url')
}

export function newPkce(): Pkce {
  let verifier = ''
  for (let i = 0; i < 64; i++) verifier += unreserved[randomInt(unreserved.length)]
  return { verifier, challenge: codeChallenge(verifier), state: randomUUID() }
}
