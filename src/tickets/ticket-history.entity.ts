import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { EpochMsColumn } from '../database/epoch-ms-column';
import { Ticket } from './ticket.entity';

/** What happened (docs/AGENT-WORKSPACE.md, "History"). */
export const HISTORY_KINDS = ['created', 'article', 'state', 'queue', 'owner', 'lock', 'pending', 'delivery-sent', 'delivery-failed', 'delivery-resent'] as const;
export type HistoryKind = (typeof HISTORY_KINDS)[number];

/** Who did it: an agent (with their id), the customer (their message), or the system (inbox rules, workers). */
export type HistoryActorKind = 'agent' | 'customer' | 'system';

/**
 * One line of a ticket's history, written in the same transaction as the change it records.
 * Values are stored as the change saw them: state names, queue and owner ids (queues and agents
 * are never deleted), pending times in epoch ms, `lock`/`unlock`, an article's channel.
 */
@Entity({ name: 'ticket_history' })
@Index('ix_ticket_history_ticket', ['ticketId', 'id'])
export class TicketHistoryEntry {
  @PrimaryGeneratedColumn({ name: 'id' })
  id: number;

  @Column({ name: 'ticket_id', type: 'integer' })
  ticketId: number;

  @ManyToOne(() => Ticket)
  @JoinColumn({ name: 'ticket_id', foreignKeyConstraintName: 'fk_ticket_history_ticket' })
  ticket: Ticket;

  @Column({ name: 'kind', type: 'varchar', length: 20 })
  kind: HistoryKind;

  @Column({ name: 'actor', type: 'varchar', length: 10 })
  actor: HistoryActorKind;

  @Column({ name: 'agent_id', type: 'integer', nullable: true })
  agentId: number | null;

  @Column({ name: 'old_value', type: 'varchar', length: 60, nullable: true })
  oldValue: string | null;

  @Column({ name: 'new_value', type: 'varchar', length: 60, nullable: true })
  newValue: string | null;

  @Column({ name: 'article_id', type: 'integer', nullable: true })
  articleId: number | null;

  /** A delivery failure's reason (encoded as on the article), kept after a resend clears the article's. */
  @Column({ name: 'detail', type: 'text', nullable: true })
  detail: string | null;

  /** Epoch ms from the app's clock. */
  @EpochMsColumn({ name: 'occurred_at' })
  occurredAt: number;
}
