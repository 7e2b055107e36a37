import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Group } from './group.entity';
import { Agent } from './agent.entity';

/** `rw` includes everything `ro` allows. */
export const PERMISSIONS = ['ro', 'rw'] as const;
export type Permission = (typeof PERMISSIONS)[number];

@Entity({ name: 'user_groups' })
@Index('uq_user_groups_user_group', ['userId', 'groupId'], { unique: true })
export class GroupMembership {
  @PrimaryGeneratedColumn({ name: 'id' })
  id: number;

  @Column({ name: 'user_id', type: 'integer' })
  userId: number;

  @Column({ name: 'group_id', type: 'integer' })
  groupId: number;

  @Column({ name: 'permission', type: 'varchar', length: 2 })
  permission: Permission;

  @ManyToOne(() => Agent, (u) => u.memberships, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_user_groups_user' })
  user: Agent;

  @ManyToOne(() => Group, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'group_id', foreignKeyConstraintName: 'fk_user_groups_group' })
  group: Group;
}
