import { AgentsService } from '../../src/agents/agents.service';
import { GroupsService } from '../../src/agents/groups.service';
import { Clock } from '../../src/common/clock';
import { DEMO_GROUP, generateDemoData, RARE_WORD, type DemoSummary } from '../../src/demo/demo-data';
import { freePort } from '../utils/browser';
import { createTestApp, type TestApp } from '../utils/create-test-app';

/**
 * `npm run bench -- agent`: what an agent waits for on a help desk with history — 100,000
 * tickets, 300,000 articles (src/demo/demo-data.ts, the generator `npm run cli -- demo generate`
 * uses) — over HTTP against the real app, logged in as an agent: the ticket list filtered by queue
 * and state (first page and page 500), a ticket zoom with 50 articles, and a search for a word in
 * 0.1 % of the articles. Each figure is printed next to GET /healthz measured in the same run (the
 * floor: Express, session-less), and next to a check that the page shows what it should.
 * SQLite always; PostgreSQL too when DATABASE_URL is set.
 */

const ON_SQLITE = { DATABASE_URL: '' };
const PAGE = 50;

interface Options {
  tickets: number;
  articles: number;
  requests: number;
}

export async function agentBenchmark(options: Options): Promise<void> {
  console.log(`agent benchmark: ${options.tickets.toLocaleString('en')} tickets, ${options.articles.toLocaleString('en')} articles, ${options.requests} requests per figure`);
  await runOn('SQLite', ON_SQLITE, options);
  if (process.env.DATABASE_URL) await runOn('PostgreSQL', {}, options);
  else console.log('\nDATABASE_URL is not set: PostgreSQL skipped.');
}

async function runOn(label: string, env: Record<string, string>, options: Options): Promise<void> {
  console.log(`\n=== ${label} ===`);
  const port = await freePort();
  // No background jobs: only the requests measured run.
  const t = await createTestApp({
    env: { ...env, LOG_LEVEL: 'silent', INBOX_WORKER: 'off', POLLER: 'off', DELIVERY_WORKER: 'off', MEDIA_FETCHER: 'off', SESSION_PRUNER: 'off', PENDING_CHECK: 'off' },
  });
  try {
    await t.app.listen(port, '127.0.0.1');
    const base = `http://127.0.0.1:${port}`;
    const started = performance.now();
    const demo = await generateDemoData(t.dataSource, { tickets: options.tickets, articles: options.articles, now: t.app.get(Clock).now(), log: progress });
    process.stdout.write('\r');
    console.log(
      `generated in ${((performance.now() - started) / 1000).toFixed(1)} s: zoom ticket ${demo.zoomTicketId}, "${RARE_WORD}" in ${demo.rareWordArticles} articles of ${demo.rareWordTickets} tickets`,
    );
    const agent = await benchAgent(t, base);
    await measure(base, agent, demo, options.requests);
  } finally {
    await t.close();
  }
}

function progress(line: string): void {
  process.stdout.write(`\r${line}   `);
}

async function benchAgent(t: TestApp, base: string): Promise<Client> {
  const agents = t.app.get(AgentsService);
  const user = await agents.create({ login: 'bench', name: 'Bench Agent', password: 'bench-password' });
  const group = (await t.app.get(GroupsService).list()).find((g) => g.name === DEMO_GROUP)!;
  await agents.setMembership(user.id, group.id, 'rw');
  const client = new Client(base);
  const login = await client.get('/login');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(login.text)![1];
  const res = await client.post('/login', { _csrf: csrf, login: 'bench', password: 'bench-password' });
  if (res.status !== 303) throw new Error(`login failed: ${res.status}`);
  return client;
}

interface Figure {
  name: string;
  path: string;
  /** What the page must show; a string when it does not. */
  check: (html: string) => string;
  target?: number;
}

async function measure(base: string, agent: Client, demo: DemoSummary, requests: number): Promise<void> {
  const support = demo.queues['Demo Support'];
  const open = demo.counts['Demo Support'].open ?? 0;
  const expectedLast = Math.min(PAGE, Math.max(0, open - 499 * PAGE));
  const rareExpected = demo.rareWordTickets;
  const rows = (html: string) => (html.match(/<tr data-ticket="/g) ?? []).length;
  const figures: Figure[] = [
    { name: 'baseline GET /healthz', path: '/healthz', check: (html) => (html.includes('ok') ? `ok` : 'FAILED') },
    {
      name: 'ticket list, queue + state, page 1',
      path: `/tickets?queueId=${support}&state=open&page=1`,
      check: (html) => verdict(rows(html) === PAGE && html.includes(`(${open} tickets)`), `${rows(html)} of ${open} rows`),
      target: 50,
    },
    {
      name: 'ticket list, queue + state, page 500',
      path: `/tickets?queueId=${support}&state=open&page=500`,
      check: (html) => verdict(rows(html) === expectedLast && html.includes('Page 500 of'), `${rows(html)} rows on page 500`),
      target: 50,
    },
    {
      name: 'ticket zoom, 50 articles',
      path: `/tickets/${demo.zoomTicketId}`,
      check: (html) => verdict((html.match(/data-test="article"/g) ?? []).length === 50, `${(html.match(/data-test="article"/g) ?? []).length} articles`),
      target: 50,
    },
    {
      name: `search "${RARE_WORD.toLowerCase()}" (0.1 % of articles)`,
      path: `/search?q=${RARE_WORD.toLowerCase()}`,
      check: (html) => {
        const hits = (html.match(/data-test="search-hit"/g) ?? []).length;
        return verdict(html.includes(`”: ${rareExpected}</p>`) && hits === Math.min(PAGE, rareExpected), `${hits} shown of ${rareExpected} tickets`);
      },
      target: 100,
    },
  ];
  console.log(`${'request'.padEnd(44)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'target p95'.padStart(11)}   check`);
  for (const figure of figures) {
    const first = await agent.get(figure.path);
    const check = first.status === 200 ? figure.check(first.text) : `FAILED: HTTP ${first.status}`;
    for (let i = 0; i < Math.min(20, requests); i++) await agent.get(figure.path); // warm-up
    const times: number[] = [];
    for (let i = 0; i < requests; i++) {
      const started = performance.now();
      const res = await agent.get(figure.path);
      times.push(performance.now() - started);
      if (res.status !== 200) throw new Error(`${figure.path}: HTTP ${res.status}`);
    }
    const p95 = percentile(times, 95);
    const target = figure.target === undefined ? '' : `${p95 <= figure.target ? 'ok' : 'MISSED'} ≤ ${figure.target}`;
    console.log(`${figure.name.padEnd(44)} ${percentile(times, 50).toFixed(1).padStart(8)} ${p95.toFixed(1).padStart(8)} ${target.padStart(11)}   ${check}`);
  }
}

function verdict(ok: boolean, detail: string): string {
  return `${ok ? 'ok' : 'FAILED'}: ${detail}`;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** A browser-like HTTP client: keeps the session cookie, follows nothing. */
class Client {
  private cookie = '';

  constructor(private readonly base: string) {}

  get(path: string): Promise<{ status: number; text: string }> {
    return this.send(path, { method: 'GET' });
  }

  post(path: string, form: Record<string, string>): Promise<{ status: number; text: string }> {
    return this.send(path, { method: 'POST', body: new URLSearchParams(form).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  }

  private async send(path: string, init: RequestInit): Promise<{ status: number; text: string }> {
    const res = await fetch(this.base + path, { ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), ...(this.cookie ? { cookie: this.cookie } : {}) } });
    const set = res.headers.get('set-cookie');
    if (set) this.cookie = set.split(';')[0];
    return { status: res.status, text: await res.text() };
  }
}
