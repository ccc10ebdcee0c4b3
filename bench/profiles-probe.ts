/** Runs in a fresh Node process: lists every profile and resolves one's Region, then reports the times. */
import { ProfileService } from '../src/main/services/profile-service'

// performance.now() counts from the start of this process; the bundle's module code starts here.
const codeStart = performance.now()
const service = new ProfileService()
const list = service.list()
const region = service.regionOf(process.argv[2] ?? 'default')
const done = performance.now()
process.stdout.write(
  JSON.stringify({
    sinceProcessStartMs: done,
    ownWorkMs: done - codeStart,
    profiles: list.profiles.length,
    region
  })
)
