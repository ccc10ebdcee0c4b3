/**
 * The one place generated passwords may be written: a file the admin names, created new (never over an
 * existing file) with owner-only permissions (0600), a line appended and flushed as each user is
 * created, so a crash keeps the passwords of the users that exist. Nothing else ever holds them.
 */
import { closeSync, fsyncSync, openSync, statSync, unlinkSync, writeSync } from 'node:fs'
import { csvCell } from '../../../shared/activity'
import { AppError } from '../../../shared/result'
import type { GeneratedPassword } from './runner'

/** A CSV of `row,username,password`, written as users are created. */
export class PasswordsFile {
  private written = 0

  private constructor(
    readonly path: string,
    private fd: number | undefined
  ) {}

  /** Creates `path` (0600); an existing file is refused, never overwritten. */
  static create(path: string): PasswordsFile {
    let fd: number
    try {
      fd = openSync(path, 'wx', 0o600)
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      throw new AppError(
        'INVALID_REQUEST',
        code === 'EEXIST'
          ? `${path} already exists: generated passwords are never written over a file. Choose a new file name.`
          : `${path} cannot be created: ${code ?? (error as Error).message}.`
      )
    }
    const file = new PasswordsFile(path, fd)
    file.write('"row","username","password"\r\n')
    return file
  }

  /** How many passwords it holds. */
  get count(): number {
    return this.written
  }

  /**
   * Appends one password and flushes it. The username is defused for spreadsheets; the password is
   * written exactly (a changed password would not sign in), quoted.
   */
  add(entry: GeneratedPassword): void {
    this.write(`${csvCell(entry.row)},${csvCell(entry.username)},"${entry.password.replace(/"/g, '""')}"\r\n`)
    this.written++
  }

  /** Closes it; a file that received no password is removed rather than left empty. */
  close(): void {
    if (this.fd === undefined) return
    closeSync(this.fd)
    this.fd = undefined
    if (this.written === 0) {
      try {
        if (statSync(this.path).isFile()) unlinkSync(this.path)
      } catch {
        // Already gone.
      }
    }
  }

  private write(text: string): void {
    if (this.fd === undefined) throw new AppError('INTERNAL', `${this.path} is closed.`)
    const data = Buffer.from(text, 'utf8')
    for (let done = 0; done < data.length;) done += writeSync(this.fd, data, done, data.length - done)
    fsyncSync(this.fd)
  }
}
