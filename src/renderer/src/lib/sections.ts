/** The app's sections, in sidebar order. */
export type SectionId = 'accounts' | 'templates' | 'create' | 'bulk' | 'activity' | 'settings'

export interface Section {
  id: SectionId
  label: string
  /** One glyph shown beside the label; decorative. */
  glyph: string
  /** For a section not built yet: what it will hold and what to do meanwhile. */
  empty?: { title: string; body: string; next: string }
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
    glyph: '◉'
  },
  templates: {
    id: 'templates',
    label: 'Templates',
    glyph: '▤'
  },
  create: {
    id: 'create',
    label: 'Create user',
    glyph: '+'
  },
  bulk: {
    id: 'bulk',
    label: 'Bulk',
    glyph: '≡',
    empty: {
      title: 'The Bulk view is not built yet',
      body: 'This section will take the admin website’s bulk CSV template as is, validate every row before the first user is created, and resume an interrupted run without creating anyone twice.',
      next: 'Meanwhile, run a bulk CSV with the CLI: connect-provisioner bulk plan FILE, then bulk run FILE (journaled, resumable, with undo). Or create users one at a time in Create user.'
    }
  },
  activity: {
    id: 'activity',
    label: 'Activity',
    glyph: '◷'
  },
  settings: {
    id: 'settings',
    label: 'Settings',
    glyph: '⚙'
  }
}
