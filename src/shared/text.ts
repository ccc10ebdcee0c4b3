/**
 * Characters that must never hide in a name: C0/C1 controls (ESC can rewrite a terminal), bidi
 * overrides and isolates (they reorder what is displayed) and zero-width characters (they make two
 * names look the same). The one definition the app, the CLI and validation use.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's purpose
const invisible = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g

/** `U+001B` for a character. */
const codePoint = (c: string): string =>
  `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`

/** The first invisible or control character of `text` (as `U+XXXX`), or undefined when there is none. */
export function findInvisible(text: string): string | undefined {
  invisible.lastIndex = 0
  const found = invisible.exec(text)
  return found ? codePoint(found[0]) : undefined
}

/** The message for a name holding one, naming the field the admin sees. */
export function invisibleMessage(what: string, character: string): string {
  return `${what} contains an invisible or control character (${character}): retype it.`
}

/** `text` with every invisible or control character (tab and newline kept) written as `\u001b`, safe to print. */
export function escapeInvisible(text: string): string {
  return text.replace(invisible, (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`)
}

/** Seconds as people say them: "45 s", "3 min", "1 h 20 min" (progress, ETAs, estimates). */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`
  const minutes = Math.round(seconds / 60)
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`
}
