/**
 * The pure parts of IAM Identity Center sign-in: which pages may open in the browser (the allow-list),
 * PKCE's challenge, the authorization URL as the AWS CLI v2 writes it, `sso:` profile names, scopes,
 * and the error explanations (wrong Region, the proxy, denied, expired, ended, nothing secret quoted).
 */
import { describe, expect, it } from 'vitest'
import { AppError } from '../../src/shared/result'
import { isAllowedSignInUrl, signInUrlProblem } from '../../src/main/services/sso/open-url'
import { codeChallenge, newPkce } from '../../src/main/services/sso/pkce'
import { parseScopes } from '../../src/main/services/sso/sessions'
import { explainSsoError, redactSecrets, type SsoScope } from '../../src/main/services/sso/sso-errors'
import { authorizeUrl, defaultOidcEndpoint } from '../../src/main/services/sso/sso-service'
import { parseSsoProfileName, ssoProfileName } from '../../src/main/services/sso/target-name'

describe('the sign-in page allow-list', () => {
  it('opens https pages of Identity Center’s own hosts', () => {
    for (const url of [
      'https://oidc.us-east-1.amazonaws.com/authorize?response_type=code&client_id=x',
      'https://oidc.eu-west-2.amazonaws.com/authorize',
      'https://oidc.us-gov-west-1.amazonaws.com/authorize',
      'https://oidc.cn-north-1.amazonaws.com.cn/authorize',
      'https://device.sso.us-east-1.amazonaws.com/?user_code=ABCD-EFGH',
      'https://d-1234567890.awsapps.com/start',
      'https://my-company.awsapps.com/start/#/device',
      'https://start.us-gov-home.awsapps.com/directory/d-1234567890',
      'https://d-1234567890.awsapps.cn/start',
      'https://ssoins-0123456789abcdef.portal.us-east-1.app.aws/'
    ]) {
      expect(signInUrlProblem(url), url).toBeUndefined()
    }
  })

  it('refuses everything else: other hosts, look-alikes, http, other schemes, credentials, ports', () => {
    const refused: Array<[string, RegExp]> = [
      ['https://evil.example/authorize', /not an IAM Identity Center host/],
      ['https://oidc.us-east-1.amazonaws.com.evil.example/authorize', /not an IAM Identity Center host/],
      ['https://awsapps.com.evil.example/start', /not an IAM Identity Center host/],
      ['https://evilawsapps.com/start', /not an IAM Identity Center host/],
      ['https://console.aws.amazon.com/', /not an IAM Identity Center host/],
      ['http://oidc.us-east-1.amazonaws.com/authorize', /plain http/],
      ['http://127.0.0.1:4566/authorize', /plain http/],
      ['file:///etc/passwd', /never opened/],
      ['javascript:alert(1)', /never opened/],
      ['https://user:pass@d-1234567890.awsapps.com/start', /user name or password/],
      ['https://oidc.us-east-1.amazonaws.com:8443/authorize', /port/],
      ['not a url', /not a URL/]
    ]
    for (const [url, why] of refused) expect(signInUrlProblem(url), url).toMatch(why)
  })

  it('opens plain http only for a loopback origin the caller vouches for (the Sandbox)', () => {
    const policy = { loopbackOrigins: ['http://127.0.0.1:4566'] }
    expect(isAllowedSignInUrl('http://127.0.0.1:4566/authorize?x=1', policy)).toBe(true)
    expect(isAllowedSignInUrl('http://127.0.0.1:4566/device?user_code=AB', policy)).toBe(true)
    expect(isAllowedSignInUrl('http://127.0.0.1:4567/authorize', policy)).toBe(false)
    expect(
      isAllowedSignInUrl('http://192.168.1.5:4566/authorize', {
        loopbackOrigins: ['http://192.168.1.5:4566']
      })
    ).toBe(false)
  })
})

describe('PKCE and the authorization URL', () => {
  it('computes S256 challenges (RFC 7636, appendix B)', () => {
    expect(codeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'
    )
    const pkce = newPkce()
    expect(pkce.verifier).toMatch(/^[A-Za-z0-9._~-]{64}$/)
    expect(pkce.challenge).toBe(codeChallenge(pkce.verifier))
    expect(newPkce().verifier).not.toBe(pkce.verifier)
  })

  it('writes the authorization request as the AWS CLI v2 does', () => {
    expect(defaultOidcEndpoint('eu-west-1')).toBe('https://oidc.eu-west-1.amazonaws.com')
    expect(defaultOidcEndpoint('cn-north-1')).toBe('https://oidc.cn-north-1.amazonaws.com.cn')
    expect(
      authorizeUrl('https://oidc.eu-west-1.amazonaws.com', {
        clientId: 'cid',
        redirectUri: 'http://127.0.0.1:51234/oauth/callback',
        state: 's-1',
        scopes: ['sso:account:access', 'codewhisperer:completions'],
        challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'
      })
    ).toBe(
      'https://oidc.eu-west-1.amazonaws.com/authorize?response_type=code&client_id=cid&redirect_uri=http%3A%2F%2F127.0.0.1%3A51234%2Foauth%2Fcallback&state=s-1&code_challenge_method=S256&scopes=sso%3Aaccount%3Aaccess%20codewhisperer%3Acompletions&code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM'
    )
  })

  it('reads sso_registration_scopes as the AWS CLI v2 does', () => {
    expect(parseScopes('sso:account:access, codewhisperer:completions,,')).toEqual([
      'sso:account:access',
      'codewhisperer:completions'
    ])
  })
})

describe('sso: profile names', () => {
  it('round-trip, whatever the session name holds', () => {
    const target = { session: 'corp/sso:eu', accountId: '111122223333', roleName: 'Connect.Admin@x' }
    expect(ssoProfileName(target)).toBe('sso:corp/sso:eu/111122223333/Connect.Admin@x')
    expect(parseSsoProfileName(ssoProfileName(target))).toEqual(target)
    expect(parseSsoProfileName('sso:corp/1234/Admin')).toBeUndefined()
    expect(parseSsoProfileName('corp/111122223333/Admin')).toBeUndefined()
    expect(parseSsoProfileName('sso:corp/111122223333/Ad/min')).toBeUndefined()
  })
})

describe('what the errors say', () => {
  const scope: SsoScope = {
    session: 'corp',
    region: 'eu-west-9',
    startUrl: 'https://d-1234567890.awsapps.com/start',
    proxies: [],
    signInCommand: 'connect-provisioner login --sso-session corp',
    host: 'oidc.eu-west-9.amazonaws.com'
  }
  const awsError = (name: string, message = 'm', status = 400): Error =>
    Object.assign(new Error(message), { name, $metadata: { httpStatusCode: status } })

  it('points at the Region when Identity Center’s host does not exist', () => {
    const dns = Object.assign(new Error('getaddrinfo ENOTFOUND oidc.eu-west-9.amazonaws.com'), {
      code: 'ENOTFOUND'
    })
    const error = explainSsoError(dns, scope)
    expect(error.reason).toBe('network')
    expect(error.code).toBe('NETWORK_UNREACHABLE')
    expect(error.message).toMatch(
      /at oidc\.eu-west-9\.amazonaws\.com.*Check the Region: sso_region = eu-west-9/
    )
  })

  it('names the proxy that must let Identity Center through', () => {
    const reset = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })
    const error = explainSsoError(reset, { ...scope, proxies: ['http://proxy.corp:3128'] })
    expect(error.message).toMatch(
      /through the proxy proxy\.corp:3128 \(it must let oidc\.eu-west-9\.amazonaws\.com through\)/
    )
    const refused = Object.assign(new Error('connect ECONNREFUSED'), {
      code: 'ECONNREFUSED',
      address: '10.0.0.1',
      port: 3128
    })
    expect(explainSsoError(refused, { ...scope, proxies: ['http://10.0.0.1:3128'] }).code).toBe(
      'NETWORK_PROXY'
    )
  })

  it('says what to do for a denial, an expired code, an ended session and a refused start URL or Region', () => {
    expect(explainSsoError(awsError('AccessDeniedException'), scope)).toMatchObject({
      reason: 'denied',
      code: 'CREDENTIALS',
      details: { command: scope.signInCommand }
    })
    expect(explainSsoError(awsError('ExpiredTokenException'), scope).message).toMatch(
      /expired before it was approved/
    )
    for (const name of ['InvalidGrantException', 'UnauthorizedException'])
      expect(explainSsoError(awsError(name), scope)).toMatchObject({
        reason: 'session-ended',
        code: 'CREDENTIALS'
      })
    const region = explainSsoError(awsError('InvalidRequestRegionException'), scope)
    expect(region.reason).toBe('config')
    expect(region.message).toMatch(
      /sso_region = eu-west-9: the Region must be the one your Identity Center lives in/
    )
    expect(explainSsoError(awsError('ForbiddenException', 'No access', 403), scope).reason).toBe('no-access')
    expect(explainSsoError(new AppError('NOT_FOUND', 'x'), scope).code).toBe('NOT_FOUND')
  })

  it('never quotes a token or secret', () => {
    const token = `aoa${'A1b2C3d4'.repeat(20)}`
    const error = explainSsoError(awsError('SomethingNew', `bad token ${token}`), scope)
    expect(error.message).not.toContain(token)
    expect(error.message).toContain('[redacted]')
    expect(redactSecrets('see ~/.aws/sso/cache/0ad374308c5a4e22f723adf10145eafad7c4031c.json')).toContain(
      '0ad374308c5a4e22f723adf10145eafad7c4031c'
    )
  })
})
