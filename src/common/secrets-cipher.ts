import { Inject, Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_CONFIG, type AppConfig } from '../config/app-config';
import { ensurePrivateDir, makePrivate, PRIVATE_FILE_MODE } from './private-files';

const KEY_BYTES = 32;
const IV_BYTES = 12;
const FORMAT = 'v1';

/**
 * AES-256-GCM for secrets at rest (X consumer and token secrets). Stored as
 * `v1:<iv>:<tag>:<ciphertext>` in base64; the tag makes a tampered value fail instead of decrypting
 * to garbage. The key comes from SECRETS_KEY, else from `<data>/secrets.key` (made once, mode 0600).
 */
@Injectable()
export class SecretsCipher {
  private readonly key: Buffer;

  constructor(@Inject(APP_CONFIG) config: Pick<AppConfig, 'secretsKey' | 'dataDir'>) {
    this.key = config.secretsKey ? decodeKey(config.secretsKey) : keyFromDataDir(config.dataDir);
  }

  encrypt(plain: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ciphertext = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [FORMAT, iv.toString('base64'), cipher.getAuthTag().toString('base64'), ciphertext.toString('base64')].join(':');
  }

  /** The plain text, or undefined when this key cannot decrypt it (another SECRETS_KEY, or tampered). */
  tryDecrypt(stored: string): string | undefined {
    try {
      return this.decrypt(stored);
    } catch {
      return undefined;
    }
  }

  /**
   * A value that is the same for the same key and tells nothing about it (HMAC-SHA-256 of a fixed
   * text), stored once per database so an instance with another key can refuse to start.
   */
  keyCheckValue(): string {
    return createHmac('sha256', this.key).update('socialdesk SECRETS_KEY check v1').digest('base64');
  }

  decrypt(stored: string): string {
    const [format, iv, tag, ciphertext] = stored.split(':');
    if (format !== FORMAT || !iv || !tag || ciphertext === undefined) throw new Error('not an encrypted secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64')), decipher.final()]).toString('utf8');
  }
}

function decodeKey(text: string): Buffer {
  const trimmed = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(trimmed) ? Buffer.from(trimmed, 'hex') : Buffer.from(trimmed, 'base64');
  if (key.length !== KEY_BYTES) throw new Error(`SECRETS_KEY must be ${KEY_BYTES} bytes, as 64 hex digits or base64`);
  return key;
}

function keyFromDataDir(dataDir: string): Buffer {
  const path = join(dataDir, 'secrets.key');
  ensurePrivateDir(dataDir, 'tighten');
  try {
    // 'wx': if another instance wrote the key a moment ago, use theirs rather than overwrite it.
    writeFileSync(path, randomBytes(KEY_BYTES).toString('base64') + '\n', { mode: PRIVATE_FILE_MODE, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  // Also a key file of an older install, which may have been written 0644.
  makePrivate(path);
  return decodeKey(readFileSync(path, 'utf8'));
}
