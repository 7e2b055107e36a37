/// <reference lib="dom" />
import AxeBuilder from '@axe-core/playwright';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { AclStoreService } from '../../src/acl/acl-store.service';
import { InboxWorker } from '../../src/inbox/inbox-worker.service';
import { Queue } from '../../src/queues/queue.entity';
import { Ticket } from '../../src/tickets/ticket.entity';
import { AgentsService } from '../../src/agents/agents.service';
import { Group } from '../../src/agents/group.entity';
import { Agent } from '../../src/agents/agent.entity';
import { setUpProfileThroughWizard } from '../factories/profile.factory';
import { insertArticle, insertTicket } from '../factories/ticket.factory';
import type { FakeXApi } from '../support/fake-x-api';
import { startBrowserAppWithX, type BrowserAppWithX } from './browser-app';
import { ADMIN, type TestApp } from './create-test-app';
import { browserLike, logIn } from './http';

/**
 * Every page an administrator and an agent can reach, in one language: found by following the links
 * from the start page (plus the pages only a form leads to), each checked with axe (no serious or
 * critical violation; a colour contrast axe measured but could not decide counts too, since a 1:1
 * ratio lands there) and for what does not fit at 1,280 and 390 px (Serbian's words are the
 * longest). SCREENSHOT_DIR=dir keeps a screenshot of each page type at both widths, to look at.
 *
 * One spec file per language (accessibility-en/de/sr.browser-spec.ts), so that jest's workers crawl
 * languages side by side: the crawl is the slowest browser test.
 */

export type Language = 'en' | 'de' | 'sr';
/**
 * All three languages on SQLite; on PostgreSQL Serbian only (its long words break layouts first):
 * the database changes what is stored, not how a page is drawn, and the crawl is the slowest test.
 */
const crawledOn = (language: Language) => !process.env.DATABASE_URL || language === 'sr';
const SHOTS = process.env.SCREENSHOT_DIR;
const WIDE = { width: 1280, height: 900 };
const NARROW = { width: 390, height: 844 };
const AGENT = { login: 'anna', password: 'anna-password-1' };
/**
 * What may scroll sideways even at 1,280 px: a raw event's long lines, the ACL matrix (one column per
 * option), and the ticket list, whose nine columns do not fit beside the sidebar in Serbian (its
 * screen is being reworked elsewhere; it scrolls inside its box, the page does not).
 */
const SCROLLING_ALLOWED = 'pre.raw, .table-scroll:has(> table.matrix), .admin-layout > section:has(> #tickets-table)';
/** A bound on the crawl: more page types than this means a link pattern multiplies pages. */
const MAX_PAGES = 80;

/** One URL per kind of page: record ids become `:id` (wizard step numbers stay), query values are dropped (their names are kept). */
function pageKind(url: URL): string {
  const path = url.pathname.replace(/(?<!\/step)\/\d+(?=\/|$)/g, '/:id');
  const keys = [...new Set(url.searchParams.keys())].sort();
  return keys.length ? `${path}?${keys.join('&')}` : path;
}

export function describeAccessibilityCrawl(language: Language): void {
  (crawledOn(language) ? describe : describe.skip)(`every page in ${language}, for an admin and an agent: axe and narrow screens`, () => {
    let app: BrowserAppWithX;
    let t: TestApp;
    let fakeX: FakeXApi;
    let page: Page;
    let baseUrl: string;
    const ids = { profile: 0, anna: 0, tickets: {} as Record<string, number> };

    beforeAll(async () => {
      if (SHOTS) mkdirSync(SHOTS, { recursive: true });
      // A profile set up as an administrator does it: through the wizard, verified and subscribed at the fake X.
      app = await startBrowserAppWithX();
      ({ t, fakeX, page, baseUrl } = app);
      const { account } = app;
      const admin = browserLike(t.app);
      await logIn(admin);
      const raw = await t.dataSource.getRepository(Queue).findOneByOrFail({ name: 'Raw' });
      ids.profile = await setUpProfileThroughWizard(admin, { name: 'AcmeSupport', keys: account, targetQueueId: raw.id, receivingMode: 'webhook' });
      // One more, stopped after the general step: the list shows "setup incomplete".
      await setUpProfileThroughWizard(admin, { name: 'AcmeDraftProfileWithALongName', keys: account, targetQueueId: raw.id, stopAfterGeneral: true });

      // Incoming: a DM and a mention through X's webhook, worked by the inbox.
      const customer = { id: '1900000000000000001', username: 'carol_customer7', name: 'Carol Customer-Müller von Hohenzollern' };
      await fakeX.deliverDirectMessage({ from: customer, toUserId: account.userId, text: 'Where is my parcel? I ordered it three weeks ago.' });
      await fakeX.deliverTweet({ author: customer, text: `@${account.username} my invoice is wrong`, mentions: [{ id: account.userId, username: account.username, name: account.name }] });
      await t.app.get(InboxWorker).drain();

      // An agent in the twitter group, and tickets in every shape the screens show.
      const agents = t.app.get(AgentsService);
      const twitter = await t.dataSource.getRepository(Group).findOneByOrFail({ name: 'twitter' });
      const users = await t.dataSource.getRepository(Group).findOneByOrFail({ name: 'users' });
      await t.dataSource.getRepository(Queue).update({ id: raw.id }, { groupId: twitter.id });
      const anna = await agents.create({ login: AGENT.login, name: 'Anna Agentić-Müller', password: AGENT.password });
      ids.anna = anna.id;
      await agents.setMembership(anna.id, twitter.id, 'rw');
      await agents.setMembership(anna.id, users.id, 'ro');
      const root = await t.dataSource.getRepository(Agent).findOneByOrFail({ login: ADMIN.login });
      await agents.setMembership(root.id, twitter.id, 'rw');
      const lockedByAnna = await insertTicket(t, {
        profileId: ids.profile,
        queueId: raw.id,
        channel: 'dm',
        state: 'open',
        ownerId: anna.id,
        locked: true,
        title: 'Locked by Anna: a refund for order 4711',
      });
      const lockedByRoot = await insertTicket(t, {
        profileId: ids.profile,
        queueId: raw.id,
        channel: 'tweet',
        state: 'pending reminder',
        ownerId: root.id,
        locked: true,
        title: 'Locked by the administrator',
      });
      await t.dataSource.getRepository(Ticket).update({ id: lockedByRoot.ticket.id }, { pendingUntil: Date.now() - 60_000 });
      const failed = await insertTicket(t, { profileId: ids.profile, queueId: raw.id, channel: 'tweet', state: 'open', ownerId: anna.id, locked: true, title: 'A reply that X refused' });
      await insertArticle(t, failed.ticket, failed.customer, { sender: 'agent', body: 'We are on it.', createdById: anna.id, deliveryStatus: 'failed' });
      ids.tickets = { 'locked by the agent': lockedByAnna.ticket.id, 'locked by the admin, reminder reached': lockedByRoot.ticket.id, 'failed reply': failed.ticket.id };

      // ACLs: the OTRS example (deployed) and a draft naming something socialdesk lacks (a warning).
      const store = t.app.get(AclStoreService);
      const example = readFileSync(join(__dirname, '..', '..', 'acl-examples', 'TwitterAccessRestriction.yml'), 'utf8');
      await store.importFiles([{ name: 'example.yml', content: example }], { mode: 'add', actor: ADMIN.login });
      await store.deploy(ADMIN.login);
      const draft = `- Name: 200-no-priority-change\n  Comment: a condition socialdesk does not have\n  ConfigMatch:\n    Properties:\n      Ticket:\n        Priority:\n        - 5 very high\n  ConfigChange:\n    PossibleNot:\n      Action:\n      - AgentTicketPriority\n`;
      await store.importFiles([{ name: 'draft.yml', content: draft }], { mode: 'add', actor: ADMIN.login });
    });
    afterAll(() => app?.close());

    /** axe's serious and critical violations, and colour contrasts it measured too low but left undecided. */
    async function axeProblems(rules?: string[]): Promise<string[]> {
      // Legacy mode runs axe in the page itself (these pages have no frames) instead of finishing each
      // run in a new blank page, which takes three times as long; passes are not needed.
      const only = rules ? { runOnly: { type: 'rule' as const, values: rules } } : {};
      const result = await new AxeBuilder({ page })
        .setLegacyMode()
        .options({ resultTypes: ['violations', 'incomplete'], ...only })
        .analyze();
      const violations = result.violations
        .filter((v) => v.impact === 'serious' || v.impact === 'critical')
        .map(
          (v) =>
            `${v.id} (${v.impact}): ${v.nodes
              .map((n) => n.target.join(' '))
              .slice(0, 4)
              .join(', ')}`,
        );
      const undecided = result.incomplete
        .filter((rule) => rule.id === 'color-contrast')
        .flatMap((rule) => rule.nodes)
        .filter((node) => node.any.some((check) => typeof (check.data as { contrastRatio?: unknown } | null)?.contrastRatio === 'number'))
        .map((node) => `color-contrast (undecided, ${(node.any[0].data as { contrastRatio: number }).contrastRatio}:1): ${node.target.join(' ')}`);
      return [...violations, ...undecided];
    }

    /**
     * What does not fit: the page wider than the window, and boxes that stick out of the box they sit
     * in (a table wider than its column overlaps the next one without widening the page). What sits in
     * a box that scrolls sideways is fine.
     */
    async function overflow(): Promise<string[]> {
      const { scrollWidth, innerWidth, sticking, scrolling } = await page.evaluate((allowed) => {
        const clips = (el: Element) => ['auto', 'scroll', 'hidden'].includes(getComputedStyle(el).overflowX);
        const insideScroller = (el: Element) => {
          for (let parent = el.parentElement; parent && parent !== document.body; parent = parent.parentElement) if (clips(parent)) return true;
          return false;
        };
        const name = (e: Element) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.classList.length ? '.' + Array.from(e.classList).join('.') : ''}`;
        const outside = Array.from(document.querySelectorAll('body *')).filter((e) => {
          const parent = e.parentElement!;
          if (['absolute', 'fixed'].includes(getComputedStyle(e).position) || insideScroller(e)) return false;
          const box = e.getBoundingClientRect();
          if (box.width === 0 || box.height === 0) return false;
          return box.right > Math.min(window.innerWidth, parent.getBoundingClientRect().right) + 1;
        });
        return {
          scrollWidth: document.scrollingElement!.scrollWidth,
          innerWidth: window.innerWidth,
          // The outermost of each: its children stick out with it.
          sticking: outside
            .filter((e) => !outside.includes(e.parentElement!))
            .map((e) => `${name(e.parentElement!)} > ${name(e)}`)
            .slice(0, 4),
          // Boxes that scroll sideways now: fine on a phone, a sign of a table that does not fit on a desktop.
          scrolling: Array.from(document.querySelectorAll('body *'))
            .filter((e) => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX) && e.scrollWidth > e.clientWidth + 1 && !e.matches(allowed))
            .map(name),
        };
      }, SCROLLING_ALLOWED);
      const problems = sticking.map((what) => `sticks out at ${innerWidth} px: ${what}`);
      if (innerWidth >= WIDE.width) problems.push(...scrolling.map((what) => `scrolls sideways at ${innerWidth} px: ${what}`));
      if (scrollWidth > innerWidth) problems.unshift(`${scrollWidth} px wide in ${innerWidth} px`);
      return problems;
    }

    /** Checks the page in the window: axe at 1,280 px, and what does not fit at 1,280 and 390 px. */
    async function check(kind: string, language: Language, who: string): Promise<string[]> {
      const problems: string[] = [];
      const say = (what: string) => problems.push(`${who} ${language} ${kind}: ${what}`);
      const htmlLang = await page.getAttribute('html', 'lang');
      if (htmlLang !== language) say(`<html lang="${htmlLang}">`);
      await page.setViewportSize(WIDE);
      for (const problem of await axeProblems()) say(problem);
      for (const problem of await overflow()) say(problem);
      if (SHOTS) await page.screenshot({ path: join(SHOTS, `${who}-${language}-${kind.replace(/[^a-z0-9]+/gi, '_')}-1280.png`), fullPage: true });
      await page.setViewportSize(NARROW);
      for (const problem of await overflow()) say(problem);
      // What only a narrow window shows: boxes that scroll sideways must be reachable by keyboard.
      for (const problem of await axeProblems(['scrollable-region-focusable'])) say(`at 390 px: ${problem}`);
      if (SHOTS) await page.screenshot({ path: join(SHOTS, `${who}-${language}-${kind.replace(/[^a-z0-9]+/gi, '_')}-390.png`), fullPage: true });
      await page.setViewportSize(WIDE);
      return problems;
    }

    /** Same-origin links of the page a crawler may follow: no downloads, no fragments. */
    async function linksOnPage(): Promise<URL[]> {
      const hrefs = await page.$$eval('a[href]:not([download])', (anchors) => anchors.map((a) => (a as HTMLAnchorElement).href));
      return hrefs.map((href) => new URL(href)).filter((url) => url.origin === baseUrl);
    }

    async function signInAs(login: string, password: string, language: Language): Promise<string[]> {
      await app.context.clearCookies();
      // The login page as a stranger sees it (in the browser's language), then with a refused password.
      // The context's locale would win over extra headers, so the header is set on each request.
      await page.route(`${baseUrl}/**`, (route) => route.continue({ headers: { ...route.request().headers(), 'accept-language': `${language},en;q=0.5` } }));
      await page.goto(`${baseUrl}/login`);
      const problems = await check('/login', language, login);
      await page.fill('#login', login);
      await page.fill('#password', 'not-the-password');
      await Promise.all([page.waitForURL(/\/login/), page.click('button[type=submit]')]);
      problems.push(...(await check('/login (refused)', language, login)));
      await page.fill('#login', login);
      await page.fill('#password', password);
      await Promise.all([page.waitForURL(`${baseUrl}/`), page.click('button[type=submit]')]);
      await page.unrouteAll();
      return problems;
    }

    /** Submits a form page empty: the page comes back with the messages next to the fields. */
    async function submitEmpty(path: string, button: string): Promise<boolean> {
      await page.goto(`${baseUrl}${path}`);
      if (!(await page.isVisible(button))) return false;
      await Promise.all([page.waitForLoadState('load'), page.waitForNavigation(), page.click(button)]);
      return true;
    }

    async function crawl(who: { login: string; password: string; admin: boolean }, language: Language) {
      const userId = (await t.dataSource.getRepository(Agent).findOneByOrFail({ login: who.login })).id;
      await t.dataSource.getRepository(Agent).update({ id: userId }, { language });
      const problems = await signInAs(who.login, who.password, language);
      const seen = new Map<string, string>();
      const queue: { url: URL; kind: string }[] = [];
      const visit = (path: string, kind?: string) => {
        const url = new URL(path, baseUrl);
        queue.push({ url, kind: kind ?? pageKind(url) });
      };
      visit('/');
      // Pages no link leads to (a missing record, a ticked selection, a submitted simulation), and
      // records of one kind that look different (a ticket locked by someone else, one with a failed reply).
      visit('/tickets/987654321', '/tickets/:id (missing)');
      for (const [name, id] of Object.entries(ids.tickets)) visit(`/tickets/${id}`, `/tickets/:id (${name})`);
      visit('/search?q=order', '/search (results)');
      visit('/search?q=nothing-matches-this', '/search (nothing found)');
      if (who.admin) {
        visit('/admin/acl/delete?id=1&id=2');
        visit(`/admin/acl/simulate?field=Ticket.TwitterProfileID&agentId=${ids.anna}&screen=AgentTicketZoom&set=deployed`, '/admin/acl/simulate (one agent)');
        visit('/admin/acl/simulate?field=Ticket.TwitterProfileID&agentId=all&screen=AgentTicketZoom&set=drafts', '/admin/acl/simulate (all agents)');
        visit('/admin/acl/1', '/admin/acl/:id (deployed)');
        visit('/admin/acl/2', '/admin/acl/:id (with a warning)');
        visit('/admin/agents?filter=no-such-agent', '/admin/agents (nothing matches)');
      } else {
        visit('/admin', '/admin (forbidden)');
      }
      while (queue.length > 0) {
        const { url, kind } = queue.shift()!;
        if (seen.has(kind) || url.pathname === '/logout') continue;
        seen.set(kind, url.href);
        if (seen.size > MAX_PAGES) throw new Error(`more than ${MAX_PAGES} kinds of page: ${[...seen.keys()].join(' ')}`);
        await page.goto(url.href);
        if (new URL(page.url()).origin !== baseUrl) continue;
        problems.push(...(await check(kind, language, who.login)));
        for (const link of await linksOnPage()) {
          link.hash = '';
          if (!seen.has(pageKind(link))) visit(link.href);
        }
      }
      // Form pages with their messages: what a user sees after pressing the main button of an empty form.
      const forms = who.admin
        ? ['/admin/agents/new', '/admin/groups/new', '/admin/queues/new', '/admin/acl/new', '/admin/acl/import', '/admin/social-media-profiles/twitter/new', '/preferences']
        : ['/preferences', '/tickets/new'];
      for (const path of forms) {
        if (await submitEmpty(path, 'main form button.primary[type=submit]')) problems.push(...(await check(`${path} (refused)`, language, who.login)));
      }
      return { problems, kinds: [...seen.keys()] };
    }

    const visited: Record<string, string[]> = {};
    afterAll(() => {
      // What the crawl covered, for the report (jest prints it with --verbose).
      if (process.env.A11Y_PAGES) console.log(JSON.stringify(visited, null, 1));
    });

    {
      it(`the administrator's pages in ${language}`, async () => {
        const { problems, kinds } = await crawl({ ...ADMIN, admin: true }, language);
        visited[`admin ${language}`] = kinds;
        // Every admin screen family was reached.
        for (const expected of [
          '/',
          '/tickets',
          '/tickets/:id',
          '/tickets/new',
          '/preferences',
          '/admin',
          '/admin/agents',
          '/admin/agents/:id',
          '/admin/agents/new',
          '/admin/groups/:id',
          '/admin/queues/:id',
          '/admin/social-media-profiles',
          '/admin/social-media-profiles/twitter/:id',
          '/admin/social-media-profiles/twitter/:id/step/1',
          '/admin/acl',
          '/admin/acl/:id',
          '/admin/acl/import',
          '/admin/acl/simulate',
          '/admin/acl/help',
          '/admin/inbox',
          '/admin/inbox/:id',
        ]) {
          expect(kinds).toContain(expected);
        }
        expect(problems).toEqual([]);
      }, 300_000);
    }
    {
      it(`the agent's pages in ${language}`, async () => {
        const { problems, kinds } = await crawl({ ...AGENT, admin: false }, language);
        visited[`agent ${language}`] = kinds;
        for (const expected of ['/', '/tickets', '/tickets/:id', '/tickets/new', '/preferences', '/search (results)']) expect(kinds).toContain(expected);
        expect(kinds.filter((kind) => kind.startsWith('/admin/'))).toEqual([]);
        expect(problems).toEqual([]);
      }, 300_000);
    }
  });
}
