/**
 * The admin's AWS profiles (~/.aws/config and credentials) as an account source: credentials from the
 * SDK's own ini provider (role chains, MFA through the prompter, SSO, credential_process), cached in
 * memory until shortly before they expire; endpoints per the SDK's rules; the proxy and CAs of Settings.
 * SSO profiles (sso_session, or legacy sso_start_url) read the token the app's sign-in (or the AWS CLI)
 * cached in ~/.aws/sso/cache; the app renews it first when it is about to expire.
 */
import { createHash } from 'node:crypto'
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types'
import { AppError } from '../../../shared/result'
import type { NetworkSettings } from '../../../shared/settings'
import type { MfaPrompter } from '../mfa-broker'
import { proxiesInUse } from '../network'
import type { ProfileService } from '../profile-service'
import type { AccountConnection, AccountSource } from './client-factory'
import type { Sdk } from './sdk'

const refreshMarginMs = 5 * 60_000

/** What the profile source asks of IAM Identity Center (SsoService). */
export interface SsoProfileSupport {
  /** Renews the token of the profile's session when it is about to expire; never throws. */
  prepareProfile(profile: string): Promise<void>
  /** The command that signs the profile's session in. */
  signInCommandFor(profile: string): string
}

/** Keys whose values are secrets: never part of a fingerprint. */
const secretKeys = new Set(['aws_secret_access_key', 'aws_session_token'])

export class ProfileAccountSource implements AccountSource {
  private readonly credentials = new Map<
    string,
    { version: string; identity: Promise<AwsCredentialIdentity> }
  >()
  /** What was read at one version of the files: parsing is done once per change, not once per call. */
  private read: {
    version: string
    names: Set<string>
    connections: Map<string, Promise<AccountConnection>>
  } = { version: '', names: new Set(), connections: new Map() }

  constructor(
    private readonly profiles: ProfileService,
    private readonly network: () => NetworkSettings,
    private readonly mfa: MfaPrompter,
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly sso?: SsoProfileSupport
  ) {}

  owns(profile: string): boolean {
    return this.current().names.has(profile)
  }

  whyMissing(profile: string): AppError | undefined {
    try {
      this.profiles.profile(profile)
      return undefined
    } catch (error) {
      return error instanceof AppError ? error : undefined
    }
  }

  regionOf(profile: string): string | undefined {
    return this.profiles.regionOf(profile)
  }

  fingerprint(profile: string): string {
    const values = [...this.profiles.profile(profile).values]
      .filter(([key]) => !secretKeys.has(key))
      .map(([key, v]) => `${key}=${v.value}`)
      .sort()
    return createHash('sha256').update(values.join('\n')).digest('hex').slice(0, 16)
  }

  connection(profile: string, sdk: Sdk): Promise<AccountConnection> {
    const network = this.network()
    const key = `${profile}|${JSON.stringify(network)}`
    const { connections } = this.current()
    let connection = connections.get(key)
    if (!connection) {
      connection = Promise.resolve().then(() => this.connect(profile, network, sdk))
      connections.set(key, connection)
      connection.catch(() => connections.delete(key))
    }
    return connection
  }

  /** The files' state, read again only when one of them changed. */
  private current(): ProfileAccountSource['read'] {
    const { version } = this.profiles.files()
    if (this.read.version !== version) {
      this.read = { version, names: new Set(this.profiles.load().profiles.keys()), connections: new Map() }
    }
    return this.read
  }

  private connect(profile: string, network: NetworkSettings, sdk: Sdk): AccountConnection {
    const values = this.profiles.profile(profile).values
    const requestHandler = sdk.createRequestHandler(network, values.get('ca_bundle')?.value, this.env)
    const connect = this.profiles.endpointFor(profile, 'connect')
    const sts = this.profiles.endpointFor(profile, 'sts')
    const sso = this.profiles
      .list()
      .profiles.find((p) => p.name === profile)
      ?.kinds.includes('sso')
    // A profile that is SSO itself (not a role chained onto one) calls the SSO portal for its
    // credentials: that call follows the profile's `sso` endpoint, not its STS one.
    const direct = sso && !values.get('role_arn')?.value
    const nestedEndpoint = direct ? this.profiles.endpointFor(profile, 'sso') : sts
    return {
      version: `${this.profiles.files().version}|${JSON.stringify(network)}`,
      credentials: this.credentialsFor(profile, sdk, requestHandler, nestedEndpoint, Boolean(direct)),
      endpoints: { ...(connect ? { connect } : {}), ...(sts ? { sts } : {}) },
      requestHandler,
      proxies: proxiesInUse(network, this.env),
      ...(sso
        ? { signInCommand: this.sso?.signInCommandFor(profile) ?? `aws sso login --profile ${profile}` }
        : {})
    }
  }

  /** The SDK's own ini provider for `profile`, resolved once and reused until shortly before it expires. */
  private credentialsFor(
    profile: string,
    sdk: Sdk,
    requestHandler: AccountConnection['requestHandler'],
    stsEndpoint: string | undefined,
    sso = false
  ): AwsCredentialIdentityProvider {
    return async (options) => {
      const files = this.profiles.files()
      const version = files.version
      const cached = this.credentials.get(profile)
      if (cached?.version === version) {
        const identity = await cached.identity.catch(() => undefined)
        if (
          identity &&
          (!identity.expiration || identity.expiration.getTime() - Date.now() > refreshMarginMs)
        )
          return identity
      }
      // The token the SDK is about to read is renewed first if it is about to expire (the app's refresh
      // goes through the proxy and CAs, and writes the file as the AWS CLI does).
      if (sso) await this.sso?.prepareProfile(profile)
      const identity = sdk.fromIni({
        profile,
        filepath: files.credentials,
        configFilepath: files.config,
        ignoreCache: true,
        mfaCodeProvider: (mfaSerial) => this.mfa({ profile, mfaSerial }),
        // Role assumption (every hop of a chain) goes through the same proxy, CAs and STS endpoint.
        clientConfig: {
          profile,
          requestHandler,
          ignoreConfiguredEndpointUrls: true,
          ...(stsEndpoint ? { endpoint: stsEndpoint } : {})
        }
      })(options)
      this.credentials.set(profile, { version, identity })
      identity.catch(() => {
        if (this.credentials.get(profile)?.identity === identity) this.credentials.delete(profile)
      })
      return identity
    }
  }
}
