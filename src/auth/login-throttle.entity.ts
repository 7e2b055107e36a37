import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { EpochMsColumn } from '../database/epoch-ms-column';

/**
 * One counter of failed logins per typed login (`login:<name>`) and per client address
 * (`address:<ip or /64>`), for the window that started with its first failure. Incremented
 * atomically *before* the password is checked, so parallel attempts on any number of instances
 * cannot slip under the limit (docs/SECURITY.md, V2.2.1).
 */
@Entity({ name: 'login_throttle' })
@Index('ix_login_throttle_window', ['windowStartedAt'])
export class LoginThrottleCounter {
  /** `login:<lower-cased login>` or `address:<client address key>`. */
  @PrimaryColumn({ name: 'bucket', type: 'varchar', length: 300 })
  bucket: string;

  /** Failures in this window, including attempts whose password is being checked right now. */
  @Column({ name: 'failures', type: 'integer' })
  failures: number;

  /** Epoch milliseconds of the window's first failure. */
  @EpochMsColumn({ name: 'window_started_at' })
  windowStartedAt: number;
}
