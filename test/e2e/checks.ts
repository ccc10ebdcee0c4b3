/**
 * TEST-ONLY checks the e2e suites run on any view: axe-core's WCAG 2 A/AA rules (colour contrast of every
 * text at least 4.5:1 among them), and the layout rules of issue 12: the account bar keeps one line, two
 * columns never overlap, nothing spills out of the window sideways.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { AxeResults, RunOptions } from 'axe-core'
import type { Page } from 'playwright-core'

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

/** One failed axe rule on one element, readable in a test failure. */
export interface A11yFinding {
  rule: string
  target: string
  summary: string
}

/**
 * Runs axe-core in the page (injected through the DevTools protocol, so the app's CSP stays as it is)
 * with the WCAG 2.0/2.1 A and AA rules, and returns what failed. `rules` narrows it (e.g. ['color-contrast']).
 */
export async function accessibilityFindings(page: Page, rules?: string[]): Promise<A11yFinding[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource)
  const violations = await page.evaluate(async (only) => {
    const axe = (
      window as unknown as { axe: { run(context: Document, options: RunOptions): Promise<AxeResults> } }
    ).axe
    const result = await axe.run(document, {
      runOnly: only
        ? { type: 'rule', values: only }
        : { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations']
    })
    return result.violations.map((v) => ({
      id: v.id,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), summary: n.failureSummary ?? '' }))
    }))
  }, rules)
  return violations.flatMap((v) =>
    v.nodes.map((n) => ({ rule: v.id, target: n.target, summary: n.summary.replace(/\s+/g, ' ') }))
  )
}

/** The account bar's height and whether every item in it sits on one line. */
export async function accountBarLayout(page: Page): Promise<{ height: number; oneLine: boolean }> {
  return page.getByTestId('account-bar').evaluate((bar) => {
    const box = bar.getBoundingClientRect()
    const items = [...bar.querySelectorAll<HTMLElement>('dd, .chip, button, select, .none')]
    const oneLine = items.every((item) => {
      const style = getComputedStyle(item)
      const line = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.3
      const r = item.getBoundingClientRect()
      // Hidden items (display: none) have no box; the rest must fit one line and sit inside the bar.
      return (
        r.height === 0 || (r.height <= line * 1.6 + 16 && r.top >= box.top - 1 && r.bottom <= box.bottom + 1)
      )
    })
    return { height: Math.round(box.height), oneLine }
  })
}

/**
 * Elements of `left` whose right edge crosses into `right`'s column, and elements of `right` that stick
 * out of it (a cut preview): both must be empty for two columns that "never overlap".
 */
export async function columnOverlaps(page: Page, left: string, right: string): Promise<string[]> {
  return page.evaluate(
    ([leftSelector, rightSelector]) => {
      const l = document.querySelector(leftSelector)
      const r = document.querySelector(rightSelector)
      if (!l || !r) return [`missing ${l ? rightSelector : leftSelector}`]
      const rBox = r.getBoundingClientRect()
      const lBox = l.getBoundingClientRect()
      const name = (e: Element): string =>
        `${e.tagName.toLowerCase()}${e.getAttribute('data-testid') ? `[${e.getAttribute('data-testid')}]` : ''}${e.textContent ? ` "${e.textContent.trim().slice(0, 30)}"` : ''}`
      const visible = (e: Element): boolean => {
        const b = e.getBoundingClientRect()
        return b.width > 0 && b.height > 0 && getComputedStyle(e).visibility !== 'hidden'
      }
      // Stacked columns (narrow layouts put the preview under the form) cannot overlap sideways.
      const sideBySide = rBox.left >= lBox.left + 10
      const problems: string[] = []
      for (const e of l.querySelectorAll('*')) {
        if (!visible(e)) continue
        const b = e.getBoundingClientRect()
        if (sideBySide && b.right > rBox.left + 0.5 && b.bottom > rBox.top && b.top < rBox.bottom)
          problems.push(`${name(e)} runs under the right column`)
      }
      for (const e of r.querySelectorAll('*')) {
        if (!visible(e)) continue
        const b = e.getBoundingClientRect()
        if (b.right > rBox.right + 0.5 || b.left < rBox.left - 0.5)
          problems.push(`${name(e)} sticks out of the right column`)
        if (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX !== 'visible')
          problems.push(`${name(e)} is cut (scrolls sideways)`)
      }
      return problems
    },
    [left, right] as const
  )
}

/** Elements wider than the window (the page would scroll sideways or cut them). */
export async function horizontalSpills(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth
    const spills: string[] = []
    for (const e of document.querySelectorAll('main *')) {
      const b = e.getBoundingClientRect()
      if (b.width > 0 && b.right > width + 0.5)
        spills.push(
          `${e.tagName.toLowerCase()} ${e.getAttribute('data-testid') ?? ''} right=${Math.round(b.right)}`
        )
    }
    const main = document.querySelector('main')
    if (main && main.scrollWidth > main.clientWidth + 1)
      spills.push(`main scrolls sideways (${main.scrollWidth} > ${main.clientWidth})`)
    return spills.slice(0, 10)
  })
}

/** The data-testid (or tag) of the focused element. */
export async function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const e = document.activeElement
    return e?.getAttribute('data-testid') ?? e?.tagName.toLowerCase() ?? 'none'
  })
}
