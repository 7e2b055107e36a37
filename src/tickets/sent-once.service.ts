import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { EntityManager, Repository } from 'typeorm';
import type { CurrentAgent } from '../auth/current-agent';
import { DomainException } from '../common/domain.exception';
import { Article } from './article.entity';

/** What a compose form's hidden `formKey` holds: a random UUID the page made (views/partials/form-key.hbs). */
const FORM_KEY = /^[A-Za-z0-9-]{16,64}$/;

/**
 * Idempotent sends (docs/SEARCH-AND-MEDIA.md): each compose form (reply, note, new ticket) carries a
 * one-time key that the article it writes stores under a unique index. A second POST with the key
 * (a double click, a resubmitted page, a retry after a timeout) finds that article and shows it
 * again instead of writing and sending a second one; two POSTs at the same moment meet at the
 * unique index, and the loser shows the winner's article.
 */
@Injectable()
export class SentOnce {
  constructor(@InjectRepository(Article) private readonly articles: Repository<Article>) {}

  /** The form's key; none (null) from clients that send none. A malformed one is refused. */
  keyOf(raw: unknown): string | null {
    if (raw === undefined || raw === null || raw === '') return null;
    if (typeof raw !== 'string' || !FORM_KEY.test(raw)) throw new DomainException('compose.error.formKey');
    return raw;
  }

  /**
   * The article this agent already wrote with the key, if any. Another agent's key is refused, never shown.
   * Asked again inside the write's transaction once it holds the ticket's row lock (`m`): a POST with
   * the same key that got the lock first has committed its article by then, and finding it there
   * means never inserting a second one. Inserting it anyway would wait on the unique index for
   * whoever last wrote that article's row — on PostgreSQL the delivery worker marking it sent, which
   * itself waits for this ticket's row: a deadlock.
   */
  async earlier(agent: CurrentAgent, key: string | null, m: EntityManager = this.articles.manager): Promise<Article | undefined> {
    if (key === null) return undefined;
    const article = await m.findOne(Article, { where: { formKey: key } });
    if (!article) return undefined;
    if (article.createdById !== agent.id) throw new DomainException('compose.error.formKey');
    return article;
  }

  /**
   * Runs the write; if it fails because a concurrent POST with the same key got there first (the
   * unique index, or the conversation that request's new ticket now holds), returns that
   * request's article instead of the error.
   */
  async write<T>(agent: CurrentAgent, key: string | null, work: () => Promise<T>): Promise<T | Article> {
    try {
      return await work();
    } catch (error) {
      const first = await this.earlier(agent, key);
      if (first) return first;
      throw error;
    }
  }
}
