import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { ChangedAtColumn, CreatedAtColumn } from '../database/row-times';
import type { Validity } from '../common/validity';

@Entity({ name: 'groups' })
@Index('uq_groups_name', ['name'], { unique: true })
export class Group {
  @PrimaryGeneratedColumn({ name: 'id' })
  id: number;

  @Column({ name: 'name', type: 'varchar', length: 200 })
  name: string;

  @Column({ name: 'comment', type: 'varchar', length: 250, default: '' })
  comment: string;

  @Column({ name: 'validity', type: 'varchar', length: 30, default: 'valid' })
  validity: Validity;

  @CreatedAtColumn()
  createdAt: number;

  @ChangedAtColumn()
  changedAt: number;
}
