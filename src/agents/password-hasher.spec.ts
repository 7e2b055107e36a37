import { PasswordHasher } from './password-hasher';

describe('PasswordHasher', () => {
  const hasher = new PasswordHasher();

  it('stores argon2id hashes that verify only the right password', async () => {
    const stored = await hasher.hash('correct horse');
    expect(stored.startsWith('$argon2id$')).toBe(true);
    await expect(hasher.verify(stored, 'correct horse')).resolves.toBe(true);
    await expect(hasher.verify(stored, 'wrong horse')).resolves.toBe(false);
  });

  it('treats a malformed stored hash as a wrong password', async () => {
    await expect(hasher.verify('not-a-hash', 'x')).resolves.toBe(false);
  });

  it('checks every character of a long password: nothing is cut off', async () => {
    const long = 'ä'.repeat(150);
    const stored = await hasher.hash(long);
    await expect(hasher.verify(stored, long)).resolves.toBe(true);
    await expect(hasher.verify(stored, `${long.slice(0, -1)}a`)).resolves.toBe(false);
  });

  it('takes any Unicode, emoji and spaces included', async () => {
    const password = 'correct horse 🐎 battery Ђ';
    await expect(hasher.verify(await hasher.hash(password), password)).resolves.toBe(true);
  });
});
