import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** express-session rows, shared by all app instances. */
@Entity({ name: 'http_sessions' })
@Index('ix_http_sessions_expires_at', ['expiresAt'])
export class HttpSession {
  @PrimaryColumn({ name: 'id', type: 'varchar', length: 255 })
  id: string;

  @Column({ name: 'data', type: 'text' })
  data: string;

  /** Epoch milliseconds. */
  @Column({ name: 'expires_at', type: 'bigint' })
  expiresAt: string;
}
