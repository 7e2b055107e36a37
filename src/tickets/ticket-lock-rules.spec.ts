import { lockedByOther, lockHolder, mayUnlock } from './ticket-lock-rules';

describe('lock rules', () => {
  const anna = { id: 2, isAdmin: false };
  const otto = { id: 3, isAdmin: false };
  const admin = { id: 1, isAdmin: true };
  const lockedByAnna = { locked: true, ownerId: 2 };
  const ownedUnlocked = { locked: false, ownerId: 2 };

  it('a locked ticket is held by its owner; an unlocked one by nobody', () => {
    expect(lockHolder(lockedByAnna)).toBe(2);
    expect(lockHolder(ownedUnlocked)).toBeNull();
    expect(lockHolder({ locked: true, ownerId: null })).toBeNull();
  });

  it('is read-only for everyone but the holder', () => {
    expect(lockedByOther(lockedByAnna, anna.id)).toBe(false);
    expect(lockedByOther(lockedByAnna, otto.id)).toBe(true);
    expect(lockedByOther(lockedByAnna, admin.id)).toBe(true);
    expect(lockedByOther(ownedUnlocked, otto.id)).toBe(false);
  });

  it('is unlocked by its owner or an administrator, never by another agent', () => {
    expect(mayUnlock(lockedByAnna, anna)).toBe(true);
    expect(mayUnlock(lockedByAnna, admin)).toBe(true);
    expect(mayUnlock(lockedByAnna, otto)).toBe(false);
    expect(mayUnlock(ownedUnlocked, otto)).toBe(true);
  });
});
