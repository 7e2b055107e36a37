import { Column, Entity, Index, OneToMany, PrimaryGeneratedColumn } from 'typeorm';
import { ChangedAtColumn, CreatedAtColumn } from '../database/row-times';
import type { Validity } from '../common/validity';
import type { Language } from '../i18n/languages';
import { GroupMembership } from './group-membership.entity';

@Entity({ name: 'users' })
@Index('uq_users_login', ['login'], { unique: true })
export class Agent {
  @PrimaryGeneratedColumn({ name: 'id' })
  id: number;

  @Column({ name: 'login', type: 'varchar', length: 200 })
  login: string;

  @Column({ name: 'name', type: 'varchar', length: 200 })
  name: string;

  @Column({ name: 'email', type: 'varchar', length: 250, default: '' })
  email: string;

  @Column({ name: 'language', type: 'varchar', length: 10, default: 'en' })
  language: Language;

  /** IANA zone the agent's times are shown and entered in (Preferences). */
  @Column({ name: 'time_zone', type: 'varchar', length: 64, default: 'UTC' })
  timeZone: string;

  @Column({ name: 'password_hash', type: 'varchar', length: 255 })
  passwordHash: string;

  @Column({ name: 'validity', type: 'varchar', length: 30, default: 'valid' })
  validity: Validity;

  /** Moved on when the password changes or the agent is set invalid: sessions from before are over. */
  @Column({ name: 'session_generation', type: 'integer', default: 0 })
  sessionGeneration: number;

  @OneToMany(() => GroupMembership, (m) => m.user)
  memberships: GroupMembership[];

  @CreatedAtColumn()
  createdAt: number;

  @ChangedAtColumn()
  changedAt: number;
}
