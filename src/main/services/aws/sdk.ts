/**
 * Every part of the AWS SDK the app runs, in one module that is imported only when a call is made
 * (see ClientFactory), so commands and views that never call AWS never pay for loading it.
 */
import type * as sdk from './sdk'

export {
  ConnectClient,
  CreateUserCommand,
  DeleteUserCommand,
  DescribeInstanceCommand,
  DescribeUserCommand,
  DescribeUserHierarchyStructureCommand,
  ListInstancesCommand,
  ListRoutingProfilesCommand,
  ListSecurityProfilesCommand,
  ListUsersCommand,
  SearchUserHierarchyGroupsCommand,
  SearchUsersCommand
} from '@aws-sdk/client-connect'
export { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
export { fromIni } from '@aws-sdk/credential-provider-ini'
export { createRequestHandler } from './http-handler'

/** The SDK module's shape. */
export type Sdk = typeof sdk
