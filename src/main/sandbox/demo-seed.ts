/**
 * The built-in demo world: two accounts, each with a Connect instance of a different identity type in
 * a different Region, realistic profiles and a three-level hierarchy, and (in Alpha) 1,500 existing
 * agents so that pagination matters; an IAM Identity Center grants both accounts (and two more) to its
 * demo users. The keys are public demo values that only the Sandbox accepts.
 */
import { parseSeed, type SandboxSeed } from './seed'
import { demoIdentityCenter } from './sso-seed'

/** Alpha: CONNECT_MANAGED in us-east-1. Bravo: SAML in eu-west-2. */
export const demoAccounts = {
  alpha: {
    profile: 'sandbox-alpha',
    accountId: '111122223333',
    region: 'us-east-1',
    accessKeyId: 'AKIASBXALPHAEXAMPLE1',
    secretAccessKey: 'sandbox/alpha/wJalrXUtnFEMI/K7MDENG/EXAMPLEKEY',
    instanceId: '7c8e4a30-1f2b-4c5d-9e6f-a1b2c3d4e5f6',
    instanceAlias: 'alpha-contact-center'
  },
  bravo: {
    profile: 'sandbox-bravo',
    accountId: '444455556666',
    region: 'eu-west-2',
    accessKeyId: 'AKIASBXBRAVOEXAMPLE1',
    secretAccessKey: 'sandbox/bravo/je7MtGbClwBF/2Zp9Utk/EXAMPLEKEY',
    instanceId: '3d9b2f61-8a4c-4e7d-b0a1-f6e5d4c3b2a1',
    instanceAlias: 'bravo-retail'
  }
} as const

/** Roles the demo accounts can assume: Bravo's admin role demands MFA. */
export const demoRoles = {
  provisioner: 'arn:aws:iam::111122223333:role/ConnectProvisioner',
  bravoAdmin: 'arn:aws:iam::444455556666:role/ConnectAdmin'
} as const

/** The demo MFA device and the code the Sandbox accepts for it. */
export const demoMfa = {
  serialNumber: 'arn:aws:iam::111122223333:mfa/sandbox-admin',
  code: '123456'
} as const

const rp = (n: number): string => `rp-${String(n).padStart(4, '0')}-4b1e-9c7a-5f3d2e1a0b9c`
const sp = (n: number): string => `sp-${String(n).padStart(4, '0')}-46d2-8a0b-7e9f1c2d3b4a`
const hg = (n: number): string => `hg-${String(n).padStart(4, '0')}-4a7c-b3e1-2d9f8c7b6a5e`

/** Builds the demo seed (validated, so it is always a legal seed). */
export function demoSeed(): SandboxSeed {
  const { alpha, bravo } = demoAccounts
  return parseSeed(
    {
      accounts: [
        {
          id: alpha.accountId,
          name: 'Alpha Contact Center (sandbox)',
          profile: alpha.profile,
          accessKeys: [
            {
              accessKeyId: alpha.accessKeyId,
              secretAccessKey: alpha.secretAccessKey,
              userName: 'sandbox-admin'
            }
          ]
        },
        {
          id: bravo.accountId,
          name: 'Bravo Retail (sandbox)',
          profile: bravo.profile,
          accessKeys: [
            {
              accessKeyId: bravo.accessKeyId,
              secretAccessKey: bravo.secretAccessKey,
              userName: 'sandbox-admin'
            }
          ]
        }
      ],
      roles: [
        { arn: demoRoles.provisioner, profile: 'sandbox-alpha-provisioner', mfaRequired: false },
        {
          arn: demoRoles.bravoAdmin,
          profile: 'sandbox-bravo-admin',
          mfaRequired: true,
          maxSessionSeconds: 43200
        }
      ],
      mfaDevices: [demoMfa],
      instances: [
        {
          id: alpha.instanceId,
          alias: alpha.instanceAlias,
          accountId: alpha.accountId,
          region: alpha.region,
          identityManagementType: 'CONNECT_MANAGED',
          usersQuota: 5000,
          createdTime: 1_735_689_600,
          routingProfiles: [
            { id: rp(1), name: 'Basic Routing Profile', description: 'Default routing profile' },
            { id: rp(2), name: 'Sales Inbound' },
            { id: rp(3), name: 'Support Tier 1' },
            { id: rp(4), name: 'Support Tier 2' },
            { id: rp(5), name: 'Outbound Collections' },
            { id: rp(6), name: 'Back Office Tasks' }
          ],
          securityProfiles: [
            { id: sp(1), name: 'Agent' },
            { id: sp(2), name: 'CallCenterManager' },
            { id: sp(3), name: 'Admin' },
            { id: sp(4), name: 'QualityAnalyst' }
          ],
          hierarchy: {
            levels: ['Region', 'Site', 'Team'],
            groups: [
              { id: hg(1), name: 'EMEA' },
              { id: hg(2), name: 'AMER' },
              { id: hg(3), name: 'London', parentId: hg(1) },
              { id: hg(4), name: 'Dublin', parentId: hg(1) },
              { id: hg(5), name: 'Seattle', parentId: hg(2) },
              { id: hg(6), name: 'Tier 1', parentId: hg(3) },
              { id: hg(7), name: 'Tier 2', parentId: hg(3) },
              { id: hg(8), name: 'Tier 1', parentId: hg(4) },
              { id: hg(9), name: 'Tier 1', parentId: hg(5) }
            ]
          },
          users: [
            {
              Id: 'u-0000-jane-doe',
              Username: 'jane.doe',
              RoutingProfileId: rp(3),
              SecurityProfileIds: [sp(1)],
              HierarchyGroupId: hg(6),
              IdentityInfo: { FirstName: 'Jane', LastName: 'Doe', Email: 'jane.doe@alpha.example.com' },
              PhoneConfig: { PhoneType: 'SOFT_PHONE', AutoAccept: true, AfterContactWorkTimeLimit: 120 },
              Tags: { team: 'support', site: 'london' }
            }
          ],
          generatedUsers: { count: 1500, routingProfileId: rp(1), securityProfileIds: [sp(1)] }
        },
        {
          id: bravo.instanceId,
          alias: bravo.instanceAlias,
          accountId: bravo.accountId,
          region: bravo.region,
          identityManagementType: 'SAML',
          createdTime: 1_738_368_000,
          routingProfiles: [
            { id: rp(101), name: 'Basic Routing Profile', description: 'Default routing profile' },
            { id: rp(102), name: 'Store Support' },
            { id: rp(103), name: 'Online Orders' }
          ],
          securityProfiles: [
            { id: sp(101), name: 'Agent' },
            { id: sp(102), name: 'CallCenterManager' },
            { id: sp(103), name: 'Admin' }
          ],
          hierarchy: {
            levels: ['Country', 'Store', 'Shift'],
            groups: [
              { id: hg(101), name: 'United Kingdom' },
              { id: hg(102), name: 'Manchester', parentId: hg(101) },
              { id: hg(103), name: 'Early', parentId: hg(102) },
              { id: hg(104), name: 'Late', parentId: hg(102) }
            ]
          },
          generatedUsers: { count: 40, routingProfileId: rp(102), securityProfileIds: [sp(101)] }
        }
      ],
      identityCenter: demoIdentityCenter()
    },
    'the demo seed'
  )
}
