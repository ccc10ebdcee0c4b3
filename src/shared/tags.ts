/**
 * Tags written as text: `key=value`, and lists of them separated by `;` or line breaks (`k=v;k2=v2`,
 * as a CSV cell or the Create user form holds them). The one parser the app, the CLI and CSV import use.
 * It checks the form only; Connect's rules for keys and values are checked with the request.
 */
import type { AppErrorData, Result } from './result'

/** One tag. */
export interface Tag {
  key: string
  value: string
}

/** A refusal naming the request field `Tags`, so forms can mark it. */
const problem = (message: string): { ok: false; error: AppErrorData } => ({
  ok: false,
  error: { code: 'INVALID_REQUEST', message, details: { field: 'Tags' } }
})

/**
 * Parses `key=value`. The key ends at the first `=` (so a key cannot hold one; a value can); both are
 * trimmed, and the value may be empty. Fails with a message saying how to write it.
 */
export function parseTag(text: string): Result<Tag> {
  const at = text.indexOf('=')
  if (at < 0) return problem(`Tag "${text.trim()}" has no "=": write it as key=value.`)
  const key = text.slice(0, at).trim()
  if (!key) return problem(`Tag "${text.trim()}" has no key before "=": write it as key=value.`)
  return { ok: true, value: { key, value: text.slice(at + 1).trim() } }
}

/**
 * Parses a list of tags separated by `;` or line breaks; blank entries are skipped, so "" gives {}.
 * Fails on the first entry that is not `key=value`, and on a key given twice.
 */
export function parseTags(text: string): Result<Record<string, string>> {
  const tags = new Map<string, string>()
  for (const entry of text.split(/[;\r\n]/)) {
    if (!entry.trim()) continue
    const tag = parseTag(entry)
    if (!tag.ok) return tag
    if (tags.has(tag.value.key)) return problem(`Tag "${tag.value.key}" is given twice: keep one.`)
    tags.set(tag.value.key, tag.value.value)
  }
  // fromEntries defines own properties, so a key such as __proto__ stays a plain tag.
  return { ok: true, value: Object.fromEntries(tags) }
}
