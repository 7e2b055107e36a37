import { Injectable } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';

/** `Algorithm.Argon2id` of @node-rs/argon2; its const enum cannot be read under isolatedModules. */
const ARGON2ID = 2;

/**
 * Agents' password hashes (argon2id). It lives with the agents whose `passwordHash` it makes:
 * `AgentsService` hashes on create and reset, and the login and own-password change (auth/) verify
 * through `AgentsModule`'s export, so auth depends on agents and never the other way round.
 */
@Injectable()
export class PasswordHasher {
  hash(password: string): Promise<string> {
    return hash(password, { algorithm: ARGON2ID });
  }

  async verify(passwordHash: string, password: string): Promise<boolean> {
    try {
      return await verify(passwordHash, password);
    } catch {
      return false;
    }
  }
}
