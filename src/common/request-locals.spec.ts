import { sectionOf } from './request-locals';

describe('sectionOf', () => {
  it.each([
    ['/', 'dashboard'],
    ['/tickets', 'tickets'],
    ['/tickets/12/move', 'tickets'],
    ['/admin', 'admin'],
    ['/admin/acl/3', 'admin'],
    ['/preferences', 'preferences'],
    ['/login', undefined],
    ['/ticketsx', undefined],
    ['/administrators', undefined],
  ])('puts %s under %p', (path, section) => expect(sectionOf(path)).toBe(section));
});
