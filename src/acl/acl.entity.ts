import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { ChangedAtColumn, CreatedAtColumn } from '../database/row-times';
import type { AclValidId } from './engine';

/**
 * One ACL as the admin edits it (a draft): only a deploy makes it count (docs/ACL.md §3).
 * ConfigMatch / ConfigChange are the validated engine shapes as JSON text; null means "none".
 */
@Entity({ name: 'acls' })
@Index('uq_acls_name', ['name'], { unique: true })
export class StoredAcl {
  @PrimaryGeneratedColumn({ name: 'id' })
  id: number;

  /** Unique ignoring case (checked by the service); decides the evaluation order. */
  @Column({ name: 'name', type: 'varchar', length: 200 })
  name: string;

  @Column({ name: 'comment', type: 'varchar', length: 250, nullable: true })
  comment: string | null;

  @Column({ name: 'description', type: 'varchar', length: 250, default: '' })
  description: string;

  @Column({ name: 'stop_after_match', type: 'boolean', default: false })
  stopAfterMatch: boolean;

  /** 1 valid, 2 invalid, 3 invalid-temporarily, as in OTRS. */
  @Column({ name: 'valid_id', type: 'integer', default: 1 })
  validId: AclValidId;

  @Column({ name: 'config_match', type: 'text', nullable: true })
  configMatch: string | null;

  @Column({ name: 'config_change', type: 'text', nullable: true })
  configChange: string | null;

  /** Login of the agent (or `cli`) who created / last changed it. */
  @Column({ name: 'created_by', type: 'varchar', length: 200 })
  createdBy: string;

  @Column({ name: 'changed_by', type: 'varchar', length: 200 })
  changedBy: string;

  @CreatedAtColumn()
  createdAt: number;

  @ChangedAtColumn()
  changedAt: number;
}
