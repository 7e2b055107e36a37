import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

/** One failed login attempt; kept in the database so every app instance sees the same count. */
@Entity({ name: 'login_failures' })
@Index('ix_login_failures_login_at', ['login', 'failedAt'])
export class LoginFailure {
  @PrimaryGeneratedColumn({ name: 'id' })
  id: number;

  /** Lower-cased as typed: counted whether or not such a login exists. */
  @Column({ name: 'login', type: 'varchar', length: 200 })
  login: string;

  @Column({ name: 'failed_at', type: 'bigint' })
  failedAt: string;
}
