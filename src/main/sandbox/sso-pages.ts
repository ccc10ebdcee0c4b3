/**
 * The Sandbox Identity Center's browser pages: the AWS access portal's landing page, the device
 * verification page and the authorization-code sign-in page. Plain HTML, no script, no remote content,
 * served with a CSP that allows nothing but inline styles and forms posted to the Sandbox itself (and
 * the redirect back to a loopback client after an authorization-code decision).
 */

/** What a page needs: a title, its body, and where its forms may post. */
export interface Page {
  status: number
  title: string
  body: string
}

export const escapeHtml = (value: string): string =>
  value.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&#39;', '"': '&quot;' })[c] ?? c
  )

/** The headers every page is sent with. */
export const pageHeaders: Record<string, string> = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' http://127.0.0.1:* http://localhost:*; frame-ancestors 'none'; base-uri 'none'"
}

const style = `body{font:15px/1.5 system-ui,sans-serif;margin:0;background:#f2f3f3;color:#16191f}
main{max-width:460px;margin:48px auto;background:#fff;border:1px solid #d5dbdb;border-radius:8px;padding:24px 28px}
h1{font-size:20px;margin:0 0 4px}p.sub{color:#5f6b7a;margin:0 0 20px}label{display:block;margin:14px 0 4px;font-weight:600}
input,select{width:100%;box-sizing:border-box;padding:8px;font:inherit;border:1px solid #879596;border-radius:4px}
.code{font:600 22px/1.2 ui-monospace,monospace;letter-spacing:2px}.row{display:flex;gap:12px;margin-top:22px}
button{flex:1;padding:10px;font:inherit;font-weight:600;border-radius:4px;border:1px solid #545b64;background:#fff;cursor:pointer}
button.primary{background:#0972d3;border-color:#0972d3;color:#fff}.error{color:#d91515;font-weight:600}
.note{color:#5f6b7a;font-size:13px;margin-top:18px}`

/** A whole HTML document. */
export function renderPage(page: Page): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)} — Sandbox IAM Identity Center</title><style>${style}</style></head>
<body><main>${page.body}
<p class="note">Connect Provisioner Sandbox: a local emulator of IAM Identity Center. Nothing here is AWS.</p></main></body></html>`
}

/** A user the sign-in pages offer. */
export interface PageUser {
  userName: string
  displayName: string
}

function userPicker(users: readonly PageUser[]): string {
  const options = users
    .map(
      (u) =>
        `<option value="${escapeHtml(u.userName)}">${escapeHtml(u.displayName)} (${escapeHtml(u.userName)})</option>`
    )
    .join('')
  return `<label for="username">Sign in as</label><select id="username" name="username">${options}</select>`
}

const decisionButtons = `<div class="row"><button type="submit" name="decision" value="deny">Deny</button>
<button type="submit" class="primary" name="decision" value="allow">Allow access</button></div>`

/** The device verification page (`verificationUri[Complete]`): a user code, a user and a decision. */
export function devicePage(users: readonly PageUser[], userCode: string, error?: string): Page {
  return {
    status: error ? 400 : 200,
    title: 'Authorize request',
    body: `<h1>Authorize request</h1><p class="sub">A device or application asks to access your AWS accounts.</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/device">
<label for="user_code">Code</label><input id="user_code" name="user_code" class="code" autocomplete="off" value="${escapeHtml(userCode)}">
${userPicker(users)}
${decisionButtons}</form>`
  }
}

/** The authorization-code sign-in page (`/authorize`): a user and a decision for `clientName`. */
export function authorizePage(
  users: readonly PageUser[],
  request: string,
  clientName: string,
  scopes: readonly string[],
  error?: string
): Page {
  return {
    status: error ? 400 : 200,
    title: 'Allow access',
    body: `<h1>Allow ${escapeHtml(clientName)} to access your data?</h1>
<p class="sub">Scopes: ${escapeHtml(scopes.join(', ') || 'none')}</p>
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/authorize"><input type="hidden" name="request" value="${escapeHtml(request)}">
${userPicker(users)}
${decisionButtons}</form>`
  }
}

/** A page that ends a flow: approved, denied, or an error the browser cannot go back from. */
export function messagePage(status: number, title: string, message: string): Page {
  return { status, title, body: `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>` }
}

/** The start URL's page: the access portal, which only points at the CLI and the app. */
export function portalPage(accounts: number): Page {
  return {
    status: 200,
    title: 'AWS access portal',
    body: `<h1>AWS access portal</h1><p class="sub">Sandbox IAM Identity Center: ${accounts} account(s).</p>
<p>Sign in from Connect Provisioner (Accounts → Sign in with IAM Identity Center) or with
<code>connect-provisioner login --sso-session NAME</code>.</p>`
  }
}
