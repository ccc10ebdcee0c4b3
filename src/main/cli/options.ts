/** Option parsers shared by CLI commands: each refuses bad input as a usage error (exit 2). */
import { InvalidArgumentError } from 'commander'

/** A whole number in [min, max]. */
export function integer(min: number, max: number): (raw: string) => number {
  return (raw) => {
    const value = Number(raw)
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}, got "${raw}".`)
    }
    return value
  }
}

/** A number in [min, max] (fractions allowed). */
export function decimal(min: number, max: number): (raw: string) => number {
  return (raw) => {
    const value = Number(raw)
    if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
      throw new InvalidArgumentError(`expected a number from ${min} to ${max}, got "${raw}".`)
    }
    return value
  }
}

/** Exit codes every command uses. */
export const exitCodes = { ok: 0, failed: 1, usage: 2 } as const
