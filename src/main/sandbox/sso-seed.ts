/**
 * The Sandbox's IAM Identity Center as a seed describes it: the AWS accounts it can grant, its
 * permission sets (an SSO role of that name in each account it is assigned in), and its users with
 * their assignments. The sign-in page asks for a user name only: the Sandbox keeps no passwords.
 */
import { z } from 'zod'
import { regionSchema } from '../../shared/accounts'

const accountId = z.string().regex(/^\d{12}$/, 'an account ID is 12 digits')
/** IAM role names: what GetRoleCredentials takes as `role_name`. */
const roleName = z.string().regex(/^[\w+=,.@-]{1,32}$/, 'a permission set name is 1-32 of [A-Za-z0-9+=,.@_-]')

export const identityCenterSchema = z
  .object({
    /** The Identity Center's home Region: the `sso_region` of its sessions. */
    region: regionSchema,
    accounts: z.array(
      z.object({ id: accountId, name: z.string().min(1).max(50), email: z.string().min(3).max(254) }).strict()
    ),
    permissionSets: z.array(
      z
        .object({
          name: roleName,
          /** How long role credentials from GetRoleCredentials last (the permission set's session duration). */
          sessionSeconds: z.number().int().min(900).max(43200).default(3600),
          /** Connect calls that change data (CreateUser, DeleteUser) are refused with AccessDeniedException. */
          readOnly: z.boolean().default(false)
        })
        .strict()
    ),
    users: z.array(
      z
        .object({
          userName: z.string().regex(/^[\w.@+-]{1,64}$/, 'a user name is 1-64 of [A-Za-z0-9_.@+-]'),
          displayName: z.string().min(1).max(100),
          assignments: z.array(z.object({ accountId, permissionSet: roleName }).strict()).default([])
        })
        .strict()
    ),
    /** Lifetime of an access token from CreateToken (AWS: 1 hour), renewable with the refresh token. */
    accessTokenSeconds: z.number().int().min(60).max(86400).default(3600),
    /** Lifetime of a sign-in session: refresh tokens stop working after it (AWS's default: 8 hours). */
    sessionSeconds: z.number().int().min(300).max(7_776_000).default(28800),
    /** Lifetime of a client registration from RegisterClient (AWS: 90 days). */
    clientSecretSeconds: z.number().int().min(300).max(7_776_000).default(7_776_000),
    /** Lifetime of a device code or an authorization code request (AWS: 10 minutes). */
    authorizationSeconds: z.number().int().min(10).max(3600).default(600)
  })
  .strict()
  .superRefine((center, ctx) => {
    const accounts = new Set(center.accounts.map((a) => a.id))
    const sets = new Set(center.permissionSets.map((p) => p.name))
    center.users.forEach((user, u) =>
      user.assignments.forEach((a, i) => {
        if (!accounts.has(a.accountId))
          ctx.addIssue({
            code: 'custom',
            path: ['users', u, 'assignments', i, 'accountId'],
            message: `account ${a.accountId} is not in identityCenter.accounts`
          })
        if (!sets.has(a.permissionSet))
          ctx.addIssue({
            code: 'custom',
            path: ['users', u, 'assignments', i, 'permissionSet'],
            message: `permission set ${a.permissionSet} is not in identityCenter.permissionSets`
          })
      })
    )
  })
export type IdentityCenterSeed = z.infer<typeof identityCenterSchema>
export type IdentityCenterSeedInput = z.input<typeof identityCenterSchema>

/** The demo Identity Center's accounts: the two demo Connect accounts and two without Connect. */
export const demoIdentityCenterAccounts = {
  alpha: '111122223333',
  bravo: '444455556666',
  shared: '777788889999',
  logArchive: '210987654321'
} as const

/**
 * The demo Identity Center (us-east-1): `admin` may use ConnectAdmin in Alpha and Bravo, ConnectReadOnly
 * in Alpha and ReadOnlyAccess in the two other accounts; `auditor` only ConnectReadOnly in Alpha;
 * `newcomer` nothing at all (the "no roles granted" case).
 */
export function demoIdentityCenter(): IdentityCenterSeedInput {
  const { alpha, bravo, shared, logArchive } = demoIdentityCenterAccounts
  return {
    region: 'us-east-1',
    accounts: [
      { id: alpha, name: 'Alpha Contact Center', email: 'aws-alpha@sandbox.example.com' },
      { id: bravo, name: 'Bravo Retail', email: 'aws-bravo@sandbox.example.com' },
      { id: shared, name: 'Shared Services', email: 'aws-shared@sandbox.example.com' },
      { id: logArchive, name: 'Log Archive', email: 'aws-logs@sandbox.example.com' }
    ],
    permissionSets: [
      { name: 'ConnectAdmin', sessionSeconds: 3600 },
      { name: 'ConnectReadOnly', sessionSeconds: 3600, readOnly: true },
      { name: 'ReadOnlyAccess', sessionSeconds: 3600, readOnly: true }
    ],
    users: [
      {
        userName: 'admin',
        displayName: 'Sandbox Admin',
        assignments: [
          { accountId: alpha, permissionSet: 'ConnectAdmin' },
          { accountId: alpha, permissionSet: 'ConnectReadOnly' },
          { accountId: bravo, permissionSet: 'ConnectAdmin' },
          { accountId: shared, permissionSet: 'ReadOnlyAccess' },
          { accountId: logArchive, permissionSet: 'ReadOnlyAccess' }
        ]
      },
      {
        userName: 'auditor',
        displayName: 'Sandbox Auditor',
        assignments: [{ accountId: alpha, permissionSet: 'ConnectReadOnly' }]
      },
      { userName: 'newcomer', displayName: 'Sandbox Newcomer', assignments: [] }
    ]
  }
}
