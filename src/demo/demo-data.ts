import type { DataSource, QueryRunner } from 'typeorm';
import { articleDocument, ticketDocument, writeSearchDocuments, type SearchDatabase, type SearchDocument } from '../search/search-documents';
import { ticketNumber } from '../tickets/ticket-number';
import { isPendingState, type TicketState } from '../tickets/ticket-states';
import { mulberry32 } from '../common/seeded-random';

/**
 * Demo data for trying socialdesk with a realistic amount of history, and for the agent
 * benchmark (`npm run bench -- agent`, test/bench/agent.bench.ts); `npm run cli -- demo generate`
 * runs the same generator. Tickets, articles, their search documents and their history are written
 * with bulk INSERTs (tens of thousands of rows a second), the search documents by the same function
 * the app uses (writeSearchDocuments), so search finds exactly what it would have indexed itself,
 * and the history as the app writes it (docs/AGENT-WORKSPACE.md, "History"): the ticket's creation
 * by whoever wrote its first message, then one entry per article. Pending tickets get their time.
 *
 * Deterministic for a seed: the same counts, texts and the same rare word in the same articles.
 */

export interface DemoOptions {
  tickets: number;
  /** Articles in all, at least one per ticket; the first ticket gets `zoomArticles` of them. */
  articles: number;
  zoomArticles?: number;
  /** Share of articles that contain RARE_WORD. */
  rareShare?: number;
  seed?: number;
  /** Epoch ms the data ends at (the app's Clock): tickets were created and changed in the year before. */
  now: number;
  /** Progress lines (the CLI prints them). */
  log?: (line: string) => void;
}

export interface DemoSummary {
  profileId: number;
  queues: Record<string, number>;
  /** Tickets per queue name and state. */
  counts: Record<string, Partial<Record<TicketState, number>>>;
  /** A ticket with exactly `zoomArticles` articles (open, in the biggest queue). */
  zoomTicketId: number;
  /** Distinct tickets whose articles contain RARE_WORD. */
  rareWordTickets: number;
  rareWordArticles: number;
}

/** A word that appears in no generated text except where placed on purpose. */
export const RARE_WORD = 'Zitronenfalter';
export const DEMO_GROUP = 'users';

const QUEUES: [string, number][] = [
  ['Demo Support', 0.6],
  ['Demo Sales', 0.2],
  ['Demo Billing', 0.15],
  ['Demo Misc', 0.05],
];
const STATES: [TicketState, number][] = [
  ['open', 0.5],
  ['new', 0.1],
  ['pending reminder', 0.05],
  ['closed successful', 0.3],
  ['closed unsuccessful', 0.05],
];
const BATCH = 500;
const DAY_MS = 86_400_000;

const WORDS = {
  en: 'order parcel delivery refund invoice account password login broken late missing package tracking number help please thanks support shipping address payment card charge weekend store app update crash screen photo'.split(
    ' ',
  ),
  de: 'Bestellung Lieferung Paket Rechnung Rückerstattung Konto Passwort kaputt verspätet fehlt Sendungsnummer bitte danke Versand Adresse Zahlung Karte Wochenende Filiale Aktualisierung Absturz Bildschirm Grüße Kundendienst'.split(
    ' ',
  ),
  sr: 'поруџбина испорука пакет рачун повраћај налог лозинка покварено касни недостаје број хвала молим достава адреса плаћање картица викенд продавница апликација ажурирање екран поздрав подршка'.split(
    ' ',
  ),
};

export async function generateDemoData(dataSource: DataSource, options: DemoOptions): Promise<DemoSummary> {
  const database: SearchDatabase = dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite';
  const random = mulberry32(options.seed ?? 20251202);
  const zoomArticles = options.zoomArticles ?? 50;
  const log = options.log ?? (() => undefined);
  if (options.articles < options.tickets - 1 + zoomArticles) throw new RangeError('not enough articles for one per ticket');
  const p = (n: number) => (database === 'postgres' ? `$${n}` : '?');

  const runner = dataSource.createQueryRunner();
  try {
    const queues = await ensureQueues(runner, p, options.now);
    const profileId = await ensureProfile(runner, p, queues[QUEUES[0][0]], options.now);
    const firstTicket = Number((await select<{ n: number | string }>(runner, 'SELECT COALESCE(MAX(id), 0) AS n FROM tickets'))[0].n) + 1;
    const firstArticle = Number((await select<{ n: number | string }>(runner, 'SELECT COALESCE(MAX(id), 0) AS n FROM articles'))[0].n) + 1;
    const { now } = options;

    // Which ticket each article belongs to: one each, the zoom ticket its fifty, the rest at random.
    const perTicket = new Uint16Array(options.tickets).fill(1);
    perTicket[0] = zoomArticles;
    for (let extra = options.articles - options.tickets - (zoomArticles - 1); extra > 0; extra--) perTicket[1 + Math.floor(random() * (options.tickets - 1))]++;
    const rare = new Set<number>();
    const rareCount = Math.max(1, Math.round(options.articles * (options.rareShare ?? 0.001)));
    while (rare.size < rareCount) rare.add(Math.floor(random() * options.articles));

    const counts: DemoSummary['counts'] = {};
    const rareTickets = new Set<number>();
    let articleIndex = 0;
    for (let from = 0; from < options.tickets; from += BATCH * 4) {
      await runner.startTransaction();
      const tickets: unknown[][] = [];
      const articles: unknown[][] = [];
      const history: unknown[][] = [];
      const docs: SearchDocument[] = [];
      for (let i = from; i < Math.min(options.tickets, from + BATCH * 4); i++) {
        const id = firstTicket + i;
        const queue = i === 0 ? QUEUES[0][0] : pick(random, QUEUES);
        const state = i === 0 ? 'open' : pick(random, STATES);
        const channel = random() < 0.6 ? 'dm' : 'tweet';
        const language = pick(random, [
          ['en', 0.4],
          ['de', 0.4],
          ['sr', 0.2],
        ] as [keyof typeof WORDS, number][]);
        const customer = { id: String(1_950_000_000_000_000_000n + BigInt(id)), handle: `kunde_${id}`, name: customerName(random, language) };
        const created = now - Math.floor(random() * 365 * DAY_MS);
        const changed = Math.min(now, created + Math.floor(random() * 30 * DAY_MS));
        const title = sentence(random, language, 6);
        const number = ticketNumber(new Date(created), id);
        (counts[queue] ??= {})[state] = ((counts[queue] ??= {})[state] ?? 0) + 1;
        // A pending state always has its time (a week after the last change), as the agent's state form sets it.
        const pendingUntil = isPendingState(state) ? changed + 7 * DAY_MS : null;
        tickets.push([
          id,
          number,
          title,
          queues[queue],
          state,
          database === 'sqlite' ? 0 : false,
          null,
          profileId,
          channel,
          customer.id,
          customer.handle,
          customer.name,
          created,
          changed,
          pendingUntil,
        ]);
        // The first article is the customer's: the customer opened the ticket.
        history.push([id, 'created', 'customer', String(queues[queue]), null, created]);
        docs.push(ticketDocument({ id, number, title, customerHandle: customer.handle, customerName: customer.name }));
        for (let n = 0; n < perTicket[i]; n++, articleIndex++) {
          const articleId = firstArticle + articleIndex;
          const fromCustomer = n % 2 === 0;
          let body = sentence(random, language, 8 + Math.floor(random() * 25));
          if (rare.has(articleIndex)) {
            body = `${body} ${RARE_WORD}`;
            rareTickets.add(id);
          }
          const atMs = created + Math.floor(((changed - created) * (n + 1)) / (perTicket[i] + 1));
          articles.push([
            articleId,
            id,
            profileId,
            fromCustomer ? 'customer' : 'agent',
            channel,
            fromCustomer ? String(1_960_000_000_000_000_000n + BigInt(articleId)) : null,
            fromCustomer ? customer.id : null,
            fromCustomer ? customer.handle : 'acme_demo',
            body,
            fromCustomer ? null : 'sent',
            atMs,
          ]);
          // Agent articles without an author agent, as articles sent from X directly are: the system's.
          history.push([id, 'article', fromCustomer ? 'customer' : 'system', channel, articleId, atMs]);
          docs.push(articleDocument({ id: articleId, ticketId: id, body }));
        }
      }
      await insertRows(
        runner,
        p,
        'tickets',
        ['id', 'number', 'title', 'queue_id', 'state', 'locked', 'owner_id', 'profile_id', 'channel', 'customer_x_id', 'customer_handle', 'customer_name', 'created_at', 'changed_at', 'pending_until'],
        tickets,
      );
      await insertRows(runner, p, 'articles', ['id', 'ticket_id', 'profile_id', 'sender', 'channel', 'external_id', 'author_x_id', 'author_handle', 'body', 'delivery_status', 'created_at'], articles);
      await insertRows(runner, p, 'ticket_history', ['ticket_id', 'kind', 'actor', 'new_value', 'article_id', 'occurred_at'], history);
      await writeSearchDocuments((sql, parameters) => runner.query(sql, parameters), database, docs);
      await runner.commitTransaction();
      log(`${Math.min(options.tickets, from + BATCH * 4)} of ${options.tickets} tickets, ${articleIndex} articles`);
    }
    if (database === 'postgres') {
      // Rows were written with their ids: the sequences continue after them.
      for (const table of ['tickets', 'articles']) await runner.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), (SELECT MAX(id) FROM ${table}))`);
      // VACUUM as autovacuum does after a bulk insert: until the visibility map is set, PostgreSQL
      // will not read a deep list page off ix_tickets_queue_state_changed alone (index-only) and
      // sorts the whole queue instead (page 500 of 30,000: 19 ms for the ids instead of 3).
      await runner.query('VACUUM ANALYZE');
    } else {
      await runner.query('ANALYZE');
    }
    return { profileId, queues, counts, zoomTicketId: firstTicket, rareWordTickets: rareTickets.size, rareWordArticles: rare.size };
  } catch (error) {
    if (runner.isTransactionActive) await runner.rollbackTransaction();
    throw error;
  } finally {
    await runner.release();
  }
}

async function insertRows(runner: QueryRunner, p: (n: number) => string, table: string, columns: string[], rows: unknown[][]): Promise<void> {
  for (let from = 0; from < rows.length; from += BATCH) {
    const batch = rows.slice(from, from + BATCH);
    let n = 0;
    const values = batch.map((row) => `(${row.map(() => p(++n)).join(', ')})`).join(', ');
    await runner.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${values}`, batch.flat());
  }
}

/** Rows of a raw SELECT: QueryRunner.query() does not know their shape. */
function select<T>(runner: QueryRunner, sql: string, parameters?: unknown[]): Promise<T[]> {
  return runner.query(sql, parameters) as Promise<T[]>;
}

async function ensureQueues(runner: QueryRunner, p: (n: number) => string, now: number): Promise<Record<string, number>> {
  const [group] = await select<{ id: number }>(runner, `SELECT id FROM groups WHERE name = ${p(1)}`, [DEMO_GROUP]);
  const queues: Record<string, number> = {};
  for (const [name] of QUEUES) {
    let [row] = await select<{ id: number }>(runner, `SELECT id FROM queues WHERE name = ${p(1)}`, [name]);
    if (!row) {
      await runner.query(`INSERT INTO queues (name, group_id, follow_up, comment, created_at, changed_at) VALUES (${p(1)}, ${p(2)}, 'possible', 'Demo data', ${p(3)}, ${p(4)})`, [
        name,
        group.id,
        now,
        now,
      ]);
      [row] = await select<{ id: number }>(runner, `SELECT id FROM queues WHERE name = ${p(1)}`, [name]);
    }
    queues[name] = Number(row.id);
  }
  return queues;
}

/** A profile the demo tickets belong to: valid, but without keys, so nothing is ever sent to X. */
async function ensureProfile(runner: QueryRunner, p: (n: number) => string, queueId: number, now: number): Promise<number> {
  const name = 'DemoProfile';
  let [row] = await select<{ id: number }>(runner, `SELECT id FROM social_media_profiles WHERE name = ${p(1)}`, [name]);
  if (!row) {
    await runner.query(
      `INSERT INTO social_media_profiles (type, name, description, app_name, account_handle, account_name, target_queue_id, validity, created_by, changed_by, created_at, changed_at) VALUES ('twitter', ${p(1)}, 'Demo data: no keys, sends nothing', 'Demo', 'acme_demo', 'ACME Demo', ${p(2)}, 'valid', 'demo', 'demo', ${p(3)}, ${p(4)})`,
      [name, queueId, now, now],
    );
    [row] = await select<{ id: number }>(runner, `SELECT id FROM social_media_profiles WHERE name = ${p(1)}`, [name]);
  }
  return Number(row.id);
}

function sentence(random: () => number, language: keyof typeof WORDS, words: number): string {
  const list = WORDS[language];
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(list[Math.floor(random() * list.length)]);
  const text = out.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1) + '.';
}

function customerName(random: () => number, language: keyof typeof WORDS): string {
  const names = { en: ['Alex Morgan', 'Sam Taylor', 'Chris Lee'], de: ['Erika Muster', 'Jürgen Groß', 'Anna Schäfer'], sr: ['Марко Марковић', 'Јована Петровић', 'Милош Ђорђевић'] }[language];
  return names[Math.floor(random() * names.length)];
}

function pick<T>(random: () => number, weighted: [T, number][]): T {
  let r = random();
  for (const [value, weight] of weighted) {
    if ((r -= weight) < 0) return value;
  }
  return weighted[weighted.length - 1][0];
}
