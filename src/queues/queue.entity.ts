import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { ChangedAtColumn, CreatedAtColumn } from '../database/row-times';
import type { Validity } from '../common/validity';
import { Group } from '../agents/group.entity';

/** What happens when a customer writes to a closed ticket (docs/QUEUES.md, "Follow-up options"). */
export const FOLLOW_UP_OPTIONS = ['possible', 'reject', 'new-ticket'] as const;
export type FollowUpOption = (typeof FOLLOW_UP_OPTIONS)[number];

@Entity({ name: 'queues' })
@Index('uq_queues_name', ['name'], { unique: true })
export class Queue {
  @PrimaryGeneratedColumn({ name: 'id' })
  id: number;

  @Column({ name: 'name', type: 'varchar', length: 200 })
  name: string;

  @Column({ name: 'group_id', type: 'integer' })
  groupId: number;

  @ManyToOne(() => Group)
  @JoinColumn({ name: 'group_id', foreignKeyConstraintName: 'fk_queues_group' })
  group: Group;

  @Column({ name: 'follow_up', type: 'varchar', length: 20, default: 'possible' })
  followUp: FollowUpOption;

  @Column({ name: 'follow_up_lock', type: 'boolean', default: false })
  followUpLock: boolean;

  @Column({ name: 'comment', type: 'varchar', length: 250, default: '' })
  comment: string;

  @Column({ name: 'validity', type: 'varchar', length: 30, default: 'valid' })
  validity: Validity;

  @CreatedAtColumn()
  createdAt: number;

  @ChangedAtColumn()
  changedAt: number;
}
