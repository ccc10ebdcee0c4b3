/**
 * The parts of the AWS SDK that IAM Identity Center sign-in uses, in one module imported only when a
 * sign-in or an SSO call happens (as services/aws/sdk.ts is for Connect), with the app's HTTP handler
 * (proxy and CAs).
 */
import type * as ssoSdk from './sso-sdk'

export {
  CreateTokenCommand,
  RegisterClientCommand,
  SSOOIDCClient,
  StartDeviceAuthorizationCommand
} from '@aws-sdk/client-sso-oidc'
export {
  GetRoleCredentialsCommand,
  ListAccountRolesCommand,
  ListAccountsCommand,
  LogoutCommand,
  SSOClient
} from '@aws-sdk/client-sso'
export { createRequestHandler } from '../aws/http-handler'

/** The module's shape. */
export type SsoSdk = typeof ssoSdk
