/** Shared by CLI commands: option parsers (bad input is a usage error, exit 2), exit codes, tables. */
import { InvalidArgumentError } from 'commander'

/** A whole number in [min, max]. */
export function integer(min: number, max: number): (raw: string) => number {
  return (raw) => {
    // Digits only: Number() would also take "", "0x10" and "1e3".
    const value = /^\d{1,16}$/.test(raw) ? Number(raw) : Number.NaN
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}, got "${clip(raw)}".`)
    }
    return value
  }
}

/** A number in [min, max] (fractions allowed). */
export function decimal(min: number, max: number): (raw: string) => number {
  return (raw) => {
    const value = /^\d{1,16}(\.\d{1,16})?$/.test(raw) ? Number(raw) : Number.NaN
    if (!Number.isFinite(value) || value < min || value > max) {
      throw new InvalidArgumentError(`expected a number from ${min} to ${max}, got "${clip(raw)}".`)
    }
    return value
  }
}

/** A value quoted back in a message, cut short when it is long. */
export function clip(raw: string, max = 40): string {
  return raw.length > max ? `${raw.slice(0, max)}… (${raw.length} characters)` : raw
}

/** `text` with every run of over 80 non-space characters clipped, so a huge argument is never echoed whole. */
export function clipLongRuns(text: string): string {
  return text.replace(/\S{81,}/g, (run) => clip(run))
}

/** Exit codes every command uses; 3 means a user may have been created and nothing could confirm it. */
export const exitCodes = { ok: 0, failed: 1, usage: 2, outcomeUnknown: 3 } as const

/** Rows as aligned columns (the first row is the header), for plain-text output. */
export function table(rows: string[][]): string[] {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? []
  return rows.map((r) =>
    r
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd()
  )
}
