import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Repository } from 'typeorm';
import { SecretsCipher } from '../common/secrets-cipher';
import { APP_CONFIG, ConfigError, type AppConfig } from '../config/app-config';
import { SharedKey } from './shared-key.entity';

const KEY_CHECK = 'secrets-key-check';
const SESSION_SECRET = 'session-secret';

export const KEY_MISMATCH_MESSAGE =
  'SECRETS_KEY does not match the key this database was set up with: start every instance with the same SECRETS_KEY (docs/SECURITY.md explains how to replace a lost key)';

/**
 * Keys shared by every instance on this database, settled at start before anything else runs
 * (docs/SECURITY.md, "Keys"):
 * - SECRETS_KEY must be the key this database was set up with; the first instance stores a check
 *   value, and an instance with another key refuses to start with one line.
 * - The cookie-signing secret is SESSION_SECRET when set, else generated once into the database
 *   (encrypted with SECRETS_KEY), so any number of instances share sessions with no extra setting.
 */
@Injectable()
export class SharedKeysService implements OnModuleInit {
  private loadedSessionSecret?: string;

  constructor(
    @InjectRepository(SharedKey) private readonly keys: Repository<SharedKey>,
    private readonly cipher: SecretsCipher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.assertSecretsKeyMatches();
    this.loadedSessionSecret = this.config.sessionSecret ?? (await this.storedSessionSecret());
  }

  /** The secret that signs session cookies; available once the app is initialised. */
  sessionSecret(): string {
    if (!this.loadedSessionSecret) throw new Error('the session secret is read before the app was initialised');
    return this.loadedSessionSecret;
  }

  private async assertSecretsKeyMatches(): Promise<void> {
    const mine = this.cipher.keyCheckValue();
    const stored = await this.firstValue(KEY_CHECK, mine);
    const a = Buffer.from(stored);
    const b = Buffer.from(mine);
    if (a.length !== b.length || !timingSafeEqual(a, b)) throw new ConfigError(KEY_MISMATCH_MESSAGE);
  }

  private async storedSessionSecret(): Promise<string> {
    const stored = await this.firstValue(SESSION_SECRET, this.cipher.encrypt(randomBytes(32).toString('base64url')));
    const secret = this.cipher.tryDecrypt(stored);
    if (secret) return secret;
    // Only after SECRETS_KEY was deliberately replaced (the check passed): a new secret ends every
    // session. Replaced only if still the unreadable one, so instances starting together agree.
    await this.keys.update({ name: SESSION_SECRET, value: stored }, { value: this.cipher.encrypt(randomBytes(32).toString('base64url')) });
    const replaced = this.cipher.tryDecrypt(await this.firstValue(SESSION_SECRET, ''));
    if (!replaced) throw new ConfigError(KEY_MISMATCH_MESSAGE);
    return replaced;
  }

  /** The stored value of `name`, storing `proposal` first if there is none (the first instance wins). */
  private async firstValue(name: string, proposal: string): Promise<string> {
    await this.keys.createQueryBuilder().insert().into(SharedKey).values({ name, value: proposal }).orIgnore().execute();
    return (await this.keys.findOneByOrFail({ name })).value;
  }
}
