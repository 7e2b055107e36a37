import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SecretsCipher } from './secrets-cipher';

describe('SecretsCipher', () => {
  const dataDir = () => mkdtempSync(join(tmpdir(), 'cipher-'));

  it('round-trips a secret and never stores it readable', () => {
    const cipher = new SecretsCipher({ dataDir: dataDir() });
    const stored = cipher.encrypt('consumer-secret-123');
    expect(stored).toMatch(/^v1:/);
    expect(stored).not.toContain('consumer-secret-123');
    expect(cipher.decrypt(stored)).toBe('consumer-secret-123');
  });

  it('uses a fresh IV, so equal secrets look different', () => {
    const cipher = new SecretsCipher({ dataDir: dataDir() });
    expect(cipher.encrypt('same')).not.toBe(cipher.encrypt('same'));
  });

  it('refuses a tampered value', () => {
    const cipher = new SecretsCipher({ dataDir: dataDir() });
    const [v, iv, tag, ct] = cipher.encrypt('secret').split(':');
    const flipped = Buffer.from(ct, 'base64');
    flipped[0] ^= 1;
    expect(() => cipher.decrypt([v, iv, tag, flipped.toString('base64')].join(':'))).toThrow();
  });

  it('generates the key once into the data folder with mode 0600 and reuses it', () => {
    const dir = dataDir();
    const first = new SecretsCipher({ dataDir: dir });
    const stored = first.encrypt('kept');
    expect(statSync(join(dir, 'secrets.key')).mode & 0o777).toBe(0o600);
    expect(new SecretsCipher({ dataDir: dir }).decrypt(stored)).toBe('kept');
    expect(readFileSync(join(dir, 'secrets.key'), 'utf8').trim()).toHaveLength(44);
  });

  it('takes SECRETS_KEY as hex or base64 and refuses a short one', () => {
    const hex = 'ab'.repeat(32);
    const a = new SecretsCipher({ dataDir: dataDir(), secretsKey: hex });
    const b = new SecretsCipher({ dataDir: dataDir(), secretsKey: Buffer.from(hex, 'hex').toString('base64') });
    expect(b.decrypt(a.encrypt('shared'))).toBe('shared');
    expect(() => new SecretsCipher({ dataDir: dataDir(), secretsKey: 'too-short' })).toThrow('SECRETS_KEY must be 32 bytes');
  });

  it('cannot read a value encrypted with another key', () => {
    const stored = new SecretsCipher({ dataDir: dataDir() }).encrypt('x');
    expect(() => new SecretsCipher({ dataDir: dataDir() }).decrypt(stored)).toThrow();
  });

  it('tightens a key file and data folder an older install left readable to others', () => {
    const dir = join(dataDir(), 'data');
    mkdirSync(dir, { mode: 0o755 });
    chmodSync(dir, 0o755);
    writeFileSync(join(dir, 'secrets.key'), 'cd'.repeat(32), { mode: 0o644 });
    chmodSync(join(dir, 'secrets.key'), 0o644);
    const stored = new SecretsCipher({ dataDir: dir, secretsKey: 'cd'.repeat(32) }).encrypt('old');
    expect(new SecretsCipher({ dataDir: dir }).decrypt(stored)).toBe('old');
    expect(statSync(join(dir, 'secrets.key')).mode & 0o777).toBe(0o600);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
  });

  it('tells by a check value, not by the key, whether two keys are the same', () => {
    const a = new SecretsCipher({ dataDir: dataDir(), secretsKey: 'ab'.repeat(32) });
    const again = new SecretsCipher({ dataDir: dataDir(), secretsKey: Buffer.from('ab'.repeat(32), 'hex').toString('base64') });
    const other = new SecretsCipher({ dataDir: dataDir(), secretsKey: 'ac'.repeat(32) });
    expect(a.keyCheckValue()).toBe(again.keyCheckValue());
    expect(a.keyCheckValue()).not.toBe(other.keyCheckValue());
    expect(a.keyCheckValue()).not.toContain('ab'.repeat(8));
  });

  it('answers undefined, not an error, for what it cannot decrypt', () => {
    const stored = new SecretsCipher({ dataDir: dataDir() }).encrypt('x');
    expect(new SecretsCipher({ dataDir: dataDir() }).tryDecrypt(stored)).toBeUndefined();
    expect(new SecretsCipher({ dataDir: dataDir() }).tryDecrypt('garbage')).toBeUndefined();
  });
});
