import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { EpochMsColumn } from '../database/epoch-ms-column';

/** express-session rows, shared by all app instances. */
@Entity({ name: 'http_sessions' })
@Index('ix_http_sessions_expires_at', ['expiresAt'])
@Index('ix_http_sessions_user_id', ['userId'])
export class HttpSession {
  /** SHA-256 of the session id (hex): a copy of the database hands out no live session. */
  @PrimaryColumn({ name: 'id', type: 'varchar', length: 255 })
  id: string;

  @Column({ name: 'data', type: 'text' })
  data: string;

  /** Epoch milliseconds. */
  @EpochMsColumn({ name: 'expires_at' })
  expiresAt: number;

  /** The logged-in agent, so their sessions can be ended (src/users/agent-sessions.service.ts). */
  @Column({ name: 'user_id', type: 'integer', nullable: true })
  userId: number | null;
}
