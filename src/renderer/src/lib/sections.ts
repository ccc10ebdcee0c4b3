/** The app's sections, in sidebar order. */
export type SectionId = 'accounts' | 'templates' | 'create' | 'bulk' | 'activity' | 'settings'

export interface Section {
  id: SectionId
  label: string
  /** One glyph shown beside the label; decorative. */
  glyph: string
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
    glyph: '≡'
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
