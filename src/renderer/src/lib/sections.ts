/** The app's sections, in sidebar order, each with the empty state it shows before it has content. */
export type SectionId = 'accounts' | 'templates' | 'create' | 'bulk' | 'activity' | 'settings'

export interface Section {
  id: SectionId
  label: string
  /** One glyph shown beside the label; decorative. */
  glyph: string
  empty: { title: string; body: string; next: string }
}

/** Sidebar order; Ctrl+1 … Ctrl+6 follow it. */
export const sectionOrder: readonly SectionId[] = [
  'accounts',
  'templates',
  'create',
  'bulk',
  'activity',
  'settings'
]

export const sections: Readonly<Record<SectionId, Section>> = {
  accounts: {
    id: 'accounts',
    label: 'Accounts',
    glyph: '◉',
    empty: {
      title: 'No account selected',
      body: 'Your AWS profiles from ~/.aws/config and ~/.aws/credentials appear here, read-only: pick a profile, a region and an Amazon Connect instance, and the account ID stays in view while you work.',
      next: 'No AWS profiles on this workstation? The Sandbox account lets you try every flow locally, without AWS.'
    }
  },
  templates: {
    id: 'templates',
    label: 'Templates',
    glyph: '▤',
    empty: {
      title: 'No templates yet',
      body: 'A template holds routing profile, security profiles, hierarchy group, phone and after-contact-work settings and tags, by name, so one template works in every instance and account.',
      next: 'Templates are edited offline: no account or network is needed to build one.'
    }
  },
  create: {
    id: 'create',
    label: 'Create user',
    glyph: '+',
    empty: {
      title: 'Create one agent',
      body: 'Pick an account and instance, a template, and type the person’s details. Every rule of the instance’s identity type is checked before anything is sent, and you see the exact request first.',
      next: 'Start by choosing an account in Accounts.'
    }
  },
  bulk: {
    id: 'bulk',
    label: 'Bulk',
    glyph: '≡',
    empty: {
      title: 'Create many agents from a CSV',
      body: 'The admin website’s bulk CSV template is accepted as is. Every row is validated before the first user is created, and an interrupted run resumes without creating anyone twice.',
      next: 'Choose an account first, then open a CSV file here.'
    }
  },
  activity: {
    id: 'activity',
    label: 'Activity',
    glyph: '◷',
    empty: {
      title: 'No activity yet',
      body: 'Every user created, refused or failed is recorded here with the account, instance and outcome, never with a password. Filter it and export it as CSV.',
      next: 'Create a user and it appears here.'
    }
  },
  settings: {
    id: 'settings',
    label: 'Settings',
    glyph: '⚙',
    empty: {
      title: 'Settings',
      body: 'Proxy and certificate settings for locked-down networks.',
      next: ''
    }
  }
}
