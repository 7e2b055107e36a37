import { Column, Entity, Index, JoinColumn, ManyToOne, OneToMany, PrimaryGeneratedColumn } from 'typeorm';
import { EpochMsColumn } from '../database/epoch-ms-column';
import { ChangedAtColumn, CreatedAtColumn } from '../database/row-times';
import { Queue } from '../queues/queue.entity';
import { SocialMediaProfile } from '../social-media-profiles/social-media-profile.entity';
import { Agent } from '../agents/agent.entity';
import { Article } from './article.entity';
import type { TicketState } from './ticket-states';

export type TicketChannel = 'dm' | 'tweet';

/**
 * A case with one X user. Which conversations it belongs to lives in `ticket_threads`
 * (TicketThread); ConversationTickets opens tickets and keeps that bookkeeping (docs/THREADING.md).
 */
@Entity({ name: 'tickets' })
@Index('uq_tickets_number', ['number'], { unique: true })
@Index('ix_tickets_queue_state', ['queueId', 'state'])
@Index('ix_tickets_queue_state_changed', ['queueId', 'state', 'changedAt', 'id'])
@Index('ix_tickets_state_pending', ['state', 'pendingUntil'])
export class Ticket {
  @PrimaryGeneratedColumn({ name: 'id' })
  id: number;

  /** OTRS-style `YYYYMMDD` + sequence, set right after insert. */
  @Column({ name: 'number', type: 'varchar', length: 30, nullable: true })
  number: string | null;

  @Column({ name: 'title', type: 'varchar', length: 255 })
  title: string;

  @Column({ name: 'queue_id', type: 'integer' })
  queueId: number;

  @ManyToOne(() => Queue)
  @JoinColumn({ name: 'queue_id', foreignKeyConstraintName: 'fk_tickets_queue' })
  queue: Queue;

  @Column({ name: 'state', type: 'varchar', length: 40, default: 'new' })
  state: TicketState;

  @Column({ name: 'locked', type: 'boolean', default: false })
  locked: boolean;

  /**
   * When a pending state's time is reached (epoch ms of the app's clock); null outside pending
   * states. A reminder shows as reached, auto close+/- closes (docs/AGENT-WORKSPACE.md).
   */
  @EpochMsColumn({ name: 'pending_until', nullable: true })
  pendingUntil: number | null;

  @Column({ name: 'owner_id', type: 'integer', nullable: true })
  ownerId: number | null;

  @ManyToOne(() => Agent, { nullable: true })
  @JoinColumn({ name: 'owner_id', foreignKeyConstraintName: 'fk_tickets_owner' })
  owner: Agent | null;

  @Column({ name: 'profile_id', type: 'integer' })
  profileId: number;

  @ManyToOne(() => SocialMediaProfile)
  @JoinColumn({ name: 'profile_id', foreignKeyConstraintName: 'fk_tickets_profile' })
  profile: SocialMediaProfile;

  /** How the conversation started: a direct message or a tweet. */
  @Column({ name: 'channel', type: 'varchar', length: 10 })
  channel: TicketChannel;

  /** The X user: ids are strings (they exceed 2^53). */
  @Column({ name: 'customer_x_id', type: 'varchar', length: 30 })
  customerXId: string;

  @Column({ name: 'customer_handle', type: 'varchar', length: 100, default: '' })
  customerHandle: string;

  @Column({ name: 'customer_name', type: 'varchar', length: 200, default: '' })
  customerName: string;

  @OneToMany(() => Article, (a) => a.ticket)
  articles: Article[];

  @CreatedAtColumn()
  createdAt: number;

  @ChangedAtColumn()
  changedAt: number;
}
