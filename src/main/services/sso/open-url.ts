/**
 * Which sign-in pages the app may open in the system browser: https pages of IAM Identity Center's own
 * hosts (the AWS access portal `*.awsapps.com` / `*.app.aws`, `oidc.<region>.amazonaws.com`'s
 * authorization page, `device.sso.<region>.amazonaws.com`'s verification page, and the China
 * partition's equivalents) and nothing else — an answer that points elsewhere is shown, never opened. Plain http only to a loopback
 * origin the caller vouches for (the Sandbox's). Never a URL with credentials in it. Pure, so the check
 * is the same in the app (shell.openExternal) and the CLI, and tested on its own.
 */

/** Where else a given sign-in may go. */
export interface SignInUrlPolicy {
  /** Exact `http://127.0.0.1:PORT` origins that may be opened over plain http (the Sandbox's). */
  loopbackOrigins?: readonly string[]
}

const identityCenterHosts: readonly RegExp[] = [
  // The AWS access portal: d-xxxxxxxxxx.awsapps.com, aliases, start.us-gov-home.awsapps.com, awsapps.cn.
  /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+awsapps\.(?:com|cn)$/,
  // The newer portal form: ssoins-xxxxxxxxxxxxxxxx.portal.<region>.app.aws.
  /^[a-z0-9-]+\.portal\.[a-z0-9-]+\.app\.aws$/,
  // SSO OIDC's authorization endpoint and the device verification page.
  /^oidc\.[a-z]{2}(?:-[a-z]+){1,2}-\d\.amazonaws\.com(?:\.cn)?$/,
  /^device\.sso\.[a-z]{2}(?:-[a-z]+){1,2}-\d\.amazonaws\.com(?:\.cn)?$/
]

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '[::1]'])

/** Why `raw` may not be opened, or undefined when it may. */
export function signInUrlProblem(raw: string, policy: SignInUrlPolicy = {}): string | undefined {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return 'it is not a URL'
  }
  if (url.username || url.password) return 'it carries a user name or password'
  if (url.protocol === 'http:') {
    const trusted = (policy.loopbackOrigins ?? []).some(
      (origin) => URL.canParse(origin) && new URL(origin).origin === url.origin
    )
    return loopbackHosts.has(url.hostname) && url.port && trusted
      ? undefined
      : 'plain http is only for the local Sandbox'
  }
  if (url.protocol !== 'https:') return `${url.protocol} URLs are never opened`
  if (url.port && url.port !== '443') return 'it names a port'
  const host = url.hostname.toLowerCase()
  if (identityCenterHosts.some((pattern) => pattern.test(host))) return undefined
  return `${host} is not an IAM Identity Center host`
}

/** True when the app may open `raw` in the system browser for a sign-in. */
export function isAllowedSignInUrl(raw: string, policy: SignInUrlPolicy = {}): boolean {
  return signInUrlProblem(raw, policy) === undefined
}
