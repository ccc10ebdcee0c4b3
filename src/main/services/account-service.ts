import type { ProfileList, ProfileProblem, ProfileSummary } from '../../shared/accounts'
import type { ProfileService } from './profile-service'

/** Accounts that do not come from the AWS files (the built-in Sandbox's), and what went wrong reading them. */
export type BuiltInAccounts = () => { profiles: ProfileSummary[]; problems: ProfileProblem[] }

/** The Accounts view's list: the admin's AWS profiles, then the built-in accounts. */
export class AccountService {
  constructor(
    private readonly profiles: ProfileService,
    private readonly builtIn: BuiltInAccounts
  ) {}

  /** Every profile, read fresh; the built-in accounts come first when there are no AWS profiles. */
  list(): ProfileList {
    const aws = this.profiles.list()
    const builtIn = this.builtIn()
    return {
      files: aws.files,
      profiles: aws.profiles.length ? [...aws.profiles, ...builtIn.profiles] : builtIn.profiles,
      problems: [...aws.problems, ...builtIn.problems]
    }
  }
}
