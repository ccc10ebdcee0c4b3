/**
 * A stand-in for the admin's browser on the Sandbox's Identity Center pages: it loads the page a
 * sign-in opens, fills its form as a person would (a user and Allow or Deny) and follows the redirect
 * back to a loopback listener. Only real HTTP: the pages, the form posts and the redirects.
 */

/** What the "person" does on the sign-in page. */
export interface BrowserChoice {
  decision: 'allow' | 'deny'
  /** The user to sign in as (the first one offered when absent). */
  userName?: string
}

/** The pages seen and where the browser ended, for assertions. */
export interface BrowserVisit {
  pages: string[]
  /** The last URL requested (the loopback callback, for the authorization-code flow). */
  finalUrl: string
  finalStatus: number
  finalBody: string
}

const formField = (html: string, name: string): string | undefined =>
  new RegExp(`name="${name}"[^>]*value="([^"]*)"`).exec(html)?.[1] ??
  new RegExp(`value="([^"]*)"[^>]*name="${name}"`).exec(html)?.[1]

const firstUser = (html: string): string | undefined => /<option value="([^"]*)"/.exec(html)?.[1]

const unescape = (value: string): string =>
  value.replace(/&(lt|gt|amp|#39|quot);/g, (_, e: string) =>
    e === 'lt' ? '<' : e === 'gt' ? '>' : e === 'amp' ? '&' : e === '#39' ? "'" : '"'
  )

/** Opens `url`, answers its form with `choice`, and follows redirects (at most 5). */
export async function visitSignInPage(url: string, choice: BrowserChoice): Promise<BrowserVisit> {
  const pages: string[] = []
  const first = await fetch(url, { redirect: 'manual' })
  const html = await first.text()
  pages.push(html)
  if (first.status !== 200) return { pages, finalUrl: url, finalStatus: first.status, finalBody: html }
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1]
  if (!action) throw new Error(`No form on ${url}: ${html.slice(0, 300)}`)
  const fields = new URLSearchParams()
  for (const name of ['request', 'user_code']) {
    const value = formField(html, name)
    if (value !== undefined) fields.set(name, unescape(value))
  }
  fields.set('username', choice.userName ?? unescape(firstUser(html) ?? ''))
  fields.set('decision', choice.decision)
  let next = new URL(action, url).href
  let response = await fetch(next, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: fields.toString()
  })
  for (let hops = 0; hops < 5 && response.status >= 300 && response.status < 400; hops++) {
    pages.push(await response.text())
    next = new URL(response.headers.get('location') ?? '', next).href
    response = await fetch(next, { redirect: 'manual' })
  }
  const finalBody = await response.text()
  pages.push(finalBody)
  return { pages, finalUrl: next, finalStatus: response.status, finalBody }
}
