/**
 * Where a process's time goes, from a V8 CPU profile (`node --cpu-prof`): Node loading modules (resolving,
 * reading, decoding and compiling them, its own built-ins included), each npm package's own code (mostly
 * its module body running once), this project's code, GC. A heuristic by the sampled function's file.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string }
}

interface CpuProfile {
  nodes: ProfileNode[]
  startTime: number
  endTime: number
  samples: number[]
  timeDeltas: number[]
}

export interface TimeSplit {
  /** The profile's whole span, in ms (from V8's start of profiling to exit). */
  totalMs: number
  /** Milliseconds by bucket, largest first. */
  buckets: Array<[string, number]>
}

function bucketOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame
  if (!url) {
    if (functionName === '(garbage collector)') return 'GC'
    if (functionName === '(idle)') return 'idle (waiting)'
    return 'V8 / native'
  }
  // Reading, decoding, resolving (paths, URLs, realpath) and compiling modules, Node's own included.
  if (
    /^node:internal\/(modules|deps\/cjs-module-lexer|vm|encoding|url|bootstrap\/realm)/.test(url) ||
    url === 'node:path' ||
    (url === 'node:fs' && functionName.startsWith('realpath'))
  )
    return 'Node: loading modules'
  if (url.startsWith('node:internal/bootstrap') || url.startsWith('node:internal/process'))
    return 'Node: start-up'
  if (url.startsWith('node:')) return 'Node: other'
  if (url.includes('/out/main/') || url.includes('/bin/connect-provisioner'))
    return 'connect-provisioner (out/)'
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)
  if (pkg?.[1]) return pkg[1]
  return 'other'
}

/** Summarises the one .cpuprofile in `dir`. */
export function summariseProfile(dir: string): TimeSplit {
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'))
  if (!file) throw new Error(`no .cpuprofile in ${dir}`)
  const profile = JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile
  const frames = new Map(profile.nodes.map((n) => [n.id, n.callFrame]))
  const buckets = new Map<string, number>()
  profile.samples.forEach((id, i) => {
    const frame = frames.get(id)
    if (!frame) return
    const key = bucketOf(frame)
    buckets.set(key, (buckets.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000)
  })
  return {
    totalMs: (profile.endTime - profile.startTime) / 1000,
    buckets: [...buckets].sort((a, b) => b[1] - a[1])
  }
}

/** "612 ms: Node loading modules 280, @aws-sdk/client-connect 60, …" (the `top` largest buckets). */
export function describeSplit(split: TimeSplit, top = 5): string {
  const parts = split.buckets.slice(0, top).map(([name, ms]) => `${name} ${Math.round(ms)}`)
  return `${Math.round(split.totalMs)} ms: ${parts.join(', ')}`
}
