import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { ConversationKey } from './conversation-key';
import { Ticket } from './ticket.entity';

/**
 * One conversation a ticket belongs to (docs/THREADING.md). A ticket may belong to several (a DM
 * thread and a tweet conversation); `openThreadKey` repeats the key while this ticket is the
 * conversation's open ticket, and the unique index on it lets at most one ticket per profile hold
 * a conversation, whichever worker or instance writes.
 */
@Entity({ name: 'ticket_threads' })
@Index('uq_ticket_threads_open', ['profileId', 'openThreadKey'], { unique: true })
@Index('uq_ticket_threads_ticket_key', ['ticketId', 'threadKey'], { unique: true })
@Index('ix_ticket_threads_key', ['profileId', 'threadKey'])
export class TicketThread {
  @PrimaryGeneratedColumn({ name: 'id' })
  id: number;

  @Column({ name: 'ticket_id', type: 'integer' })
  ticketId: number;

  @ManyToOne(() => Ticket)
  @JoinColumn({ name: 'ticket_id', foreignKeyConstraintName: 'fk_ticket_threads_ticket' })
  ticket: Ticket;

  /** The ticket's profile: conversation keys are unique per profile. */
  @Column({ name: 'profile_id', type: 'integer' })
  profileId: number;

  @Column({ name: 'thread_key', type: 'varchar', length: 60 })
  threadKey: ConversationKey;

  /** The key while this ticket holds the conversation (is its open ticket); NULL otherwise. */
  @Column({ name: 'open_thread_key', type: 'varchar', length: 60, nullable: true })
  openThreadKey: ConversationKey | null;
}
