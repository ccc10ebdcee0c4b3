import type { ProfileList } from '../../shared/accounts'
import type { ProfileService } from './profile-service'
import type { SandboxHost } from './sandbox-host'
import { describeRecovery } from './store-recovery'

/** The Accounts view's list: the admin's AWS profiles, then the Sandbox's accounts. */
export class AccountService {
  constructor(
    private readonly profiles: ProfileService,
    private readonly sandbox: SandboxHost
  ) {}

  /** Every profile, read fresh; the Sandbox comes first when there are no AWS profiles. */
  list(): ProfileList {
    const aws = this.profiles.list()
    const sandbox = this.sandbox.accounts().map((account) => account.summary)
    const recovery = this.sandbox.recovery
    return {
      files: aws.files,
      profiles: aws.profiles.length ? [...aws.profiles, ...sandbox] : sandbox,
      problems: recovery
        ? [...aws.problems, { file: recovery.file, line: 0, reason: describeRecovery(recovery) }]
        : aws.problems
    }
  }
}
