import { createHash } from 'node:crypto';
import { Store, type SessionData } from 'express-session';
import { LessThan, Not, type Repository } from 'typeorm';
import { HttpSession } from './http-session.entity';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The key a session is stored under: its id hashed, so reading the table gives no usable session id. */
export function storedSessionId(sid: string): string {
  return createHash('sha256').update(sid).digest('hex');
}

/**
 * express-session store on the `http_sessions` table: one code path for SQLite and PostgreSQL. The
 * table's one owner: the session middleware reads and writes through it, and ending an agent's
 * sessions (`AgentSessionsService`) asks it too. One instance per app (`SessionStoreModule`).
 */
export class TypeormSessionStore extends Store {
  constructor(
    private readonly sessions: Repository<HttpSession>,
    private readonly now: () => number = Date.now,
  ) {
    super();
  }

  override get(sid: string, done: (err: unknown, session?: SessionData | null) => void): void {
    this.sessions
      .findOneBy({ id: storedSessionId(sid) })
      .then((row) => {
        if (!row || row.expiresAt <= this.now()) return done(null, null);
        done(null, JSON.parse(row.data) as SessionData);
      })
      .catch(done);
  }

  override set(sid: string, session: SessionData, done?: (err?: unknown) => void): void {
    const row = { id: storedSessionId(sid), data: JSON.stringify(session), expiresAt: this.expiryOf(session), userId: session.userId ?? null };
    this.sessions
      .upsert(row, ['id'])
      .then(() => done?.())
      .catch((err) => done?.(err));
  }

  override touch(sid: string, session: SessionData, done?: (err?: unknown) => void): void {
    this.sessions
      .update({ id: storedSessionId(sid) }, { expiresAt: this.expiryOf(session) })
      .then(() => done?.())
      .catch((err) => done?.(err));
  }

  override destroy(sid: string, done?: (err?: unknown) => void): void {
    this.sessions
      .delete({ id: storedSessionId(sid) })
      .then(() => done?.())
      .catch((err) => done?.(err));
  }

  /** Deletes every stored session of the agent, except the one with session id `keepSessionId` (the request's own). */
  async destroyAllOf(userId: number, keepSessionId?: string): Promise<void> {
    await this.sessions.delete(keepSessionId === undefined ? { userId } : { userId, id: Not(storedSessionId(keepSessionId)) });
  }

  /** Removes expired rows; called periodically by the app. */
  async prune(): Promise<number> {
    const result = await this.sessions.delete({ expiresAt: LessThan(this.now()) });
    return result.affected ?? 0;
  }

  private expiryOf(session: SessionData): number {
    const expires = session.cookie?.expires;
    return expires ? new Date(expires).getTime() : this.now() + DAY_MS;
  }
}
