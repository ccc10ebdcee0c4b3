/** Paths as the admin reads them: the home folder as `~`, so `~/.aws/config:27` fits on a line. */

const homePrefix = /^(?:\/home\/[^/]+|\/Users\/[^/]+|\/root|[A-Za-z]:\\Users\\[^\\]+)(?=[/\\]|$)/

/** `path` with the user's home folder written `~`. */
export function shortPath(path: string): string {
  return path.replace(homePrefix, '~')
}

/** `~/.aws/config:27`, or the path alone for line 0 (a whole-file problem). */
export function fileLine(file: string, line: number): string {
  return line > 0 ? `${shortPath(file)}:${line}` : shortPath(file)
}
