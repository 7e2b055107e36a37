/**
 * The admin overview, grouped the way OTRS/Znuny administrators know it. Entries without a path are
 * announced but not built yet; they render as plain text so nobody clicks into a dead end.
 */
export interface AdminEntry {
  key: string;
  label: string;
  description: string;
  path?: string;
}

export interface AdminSection {
  label: string;
  entries: AdminEntry[];
}

export const ADMIN_SECTIONS: AdminSection[] = [
  {
    label: 'admin.section.users',
    entries: [
      { key: 'agents', label: 'agents.title', description: 'agents.description', path: '/admin/agents' },
      { key: 'groups', label: 'groups.title', description: 'groups.description', path: '/admin/groups' },
    ],
  },
  {
    label: 'admin.section.ticket',
    entries: [{ key: 'queues', label: 'queues.title', description: 'queues.description', path: '/admin/queues' }],
  },
  {
    label: 'admin.section.communication',
    entries: [
      { key: 'social-media-profiles', label: 'socialMediaProfiles.title', description: 'socialMediaProfiles.description', path: '/admin/social-media-profiles' },
      { key: 'inbox', label: 'inbox.title', description: 'inbox.description', path: '/admin/inbox' },
    ],
  },
  {
    label: 'admin.section.processes',
    entries: [{ key: 'acl', label: 'acl.title', description: 'acl.description', path: '/admin/acl' }],
  },
];
