/// <reference lib="dom" />
import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { Queue } from '../../src/queues/queue.entity';
import { quickChoiceOptions } from '../../src/tickets/pending-time';
import { Ticket } from '../../src/tickets/ticket.entity';
import { AgentsService } from '../../src/agents/agents.service';
import { Group } from '../../src/agents/group.entity';
import { Agent } from '../../src/agents/agent.entity';
import { createReadyProfile } from '../factories/profile.factory';
import { insertTicket } from '../factories/ticket.factory';
import { signIn } from '../utils/browser';
import { startBrowserApp, type BrowserApp } from '../utils/browser-app';
import type { TestApp } from '../utils/create-test-app';

/** Where the screenshots go to be looked at (not a test artefact that is compared). */
const SHOTS = process.env.SCREENSHOT_DIR ?? join(tmpdir(), 'socialdesk-agent-day-shots');

describe('an agent’s day in a real browser: open, move, pending reminder, history', () => {
  let app: BrowserApp;
  let t: TestApp;
  let page: Page;
  let baseUrl: string;
  let profileId: number;
  const queues: Record<string, number> = {};
  const ids: Record<string, number> = {};
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    app = await startBrowserApp();
    ({ t, page, baseUrl } = app);

    const groups = t.dataSource.getRepository(Group);
    const support = await groups.save(groups.create({ name: 'support', comment: '', validity: 'valid' }));
    const sales = await groups.save(groups.create({ name: 'sales', comment: '', validity: 'valid' }));
    const queueRepo = t.dataSource.getRepository(Queue);
    queues.Support = (await queueRepo.save(queueRepo.create({ name: 'Support', groupId: support.id, followUp: 'possible' }))).id;
    queues.Sales = (await queueRepo.save(queueRepo.create({ name: 'Sales', groupId: sales.id, followUp: 'possible' }))).id;
    profileId = (await createReadyProfile(t, { targetQueueId: queues.Support })).id;
    const agents = t.app.get(AgentsService);
    for (const login of ['anna', 'otto']) {
      const agent = await agents.create({ login, name: `${login[0].toUpperCase()}${login.slice(1)} Agent`, password: `${login}-password` });
      ids[login] = agent.id;
      await agents.setMembership(agent.id, support.id, 'rw');
      await agents.setMembership(agent.id, sales.id, 'rw');
    }
    await t.dataSource.getRepository(Agent).update({ id: ids.anna }, { timeZone: 'Europe/Berlin' });

    page.on('console', (message) => {
      if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) consoleErrors.push(message.text());
    });
    await signIn(page, baseUrl, 'anna', 'anna-password');
  });
  afterAll(() => app?.close());

  /** Axe on the page: no violations, and no contrast it could not decide (a 1:1 ratio lands there). */
  async function expectAccessible() {
    const result = await new AxeBuilder({ page }).analyze();
    expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
    const undecidedContrast = result.incomplete.filter((i) => i.id === 'color-contrast').flatMap((i) => i.nodes.filter((n) => /contrast ratio of/i.test(JSON.stringify(n.any))));
    expect(undecidedContrast.map((n) => n.target.join(' '))).toEqual([]);
  }

  /** Nothing wider than the window, and each given control inside it and visible. */
  async function expectFits(selectors: string[]) {
    const { scrollWidth, innerWidth, wide } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
      // What sticks out, to say what overflows: boxes past the right edge, or text past its box.
      wide: Array.from(document.querySelectorAll('body *'))
        .filter((e) => {
          const box = e.getBoundingClientRect();
          if (box.width === 0) return false;
          const clips = (el: Element) => ['auto', 'scroll', 'hidden'].includes(getComputedStyle(el).overflowX);
          // Inside a box that scrolls sideways (a wide table on a phone) is not past the page.
          for (let parent = e.parentElement; parent && parent !== document.body; parent = parent.parentElement) if (clips(parent)) return false;
          return box.right > window.innerWidth + 0.5 || (!clips(e) && e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0);
        })
        .map((e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.classList.length ? '.' + Array.from(e.classList).join('.') : ''}`)
        .slice(0, 5),
    }));
    expect({ scrollWidth, wide }).toEqual({ scrollWidth: innerWidth, wide: [] });
    for (const selector of selectors) {
      const box = await page.locator(selector).first().boundingBox();
      expect([selector, box !== null]).toEqual([selector, true]);
      expect([selector, box!.x >= 0 && box!.x + box!.width <= innerWidth && box!.height > 0]).toEqual([selector, true]);
    }
  }

  it('opens a ticket, moves it, sets a pending reminder for tomorrow 09:00 with the quick choice, and sees both in the history', async () => {
    const { ticket } = await insertTicket(t, { profileId, queueId: queues.Support, channel: 'dm', title: 'Where is my parcel?' });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.click('[data-test=nav-tickets]');
    await page.waitForURL(`${baseUrl}/tickets`);
    // The channel is a label of its own above the title, not the title's first words ("Direct message Where is…"),
    // also where the column is wide enough for both on one line.
    await page.setViewportSize({ width: 1920, height: 900 });
    const row = page.locator(`#tickets-table tr[data-ticket="${ticket.id}"] td:nth-child(2)`);
    await expect(
      row.evaluate((cell) => {
        const label = cell.querySelector('.channel-label')!.getBoundingClientRect();
        const title = document.createRange();
        title.selectNodeContents(cell.lastChild!);
        return { label: cell.querySelector('.channel-label')!.textContent, title: cell.lastChild!.textContent!.trim(), titleBelowLabel: title.getBoundingClientRect().top >= label.bottom };
      }),
    ).resolves.toEqual({ label: 'Direct message', title: 'Where is my parcel?', titleBelowLabel: true });
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.click(`#tickets-table tr[data-ticket="${ticket.id}"] a`);
    await page.waitForURL(`${baseUrl}/tickets/${ticket.id}`);
    // The sidebar's facts keep a ticket number on one line (beside their labels they broke mid-number).
    const number = page.locator('[data-test=ticket-facts] dd').first();
    await expect(
      number.evaluate((dd) => {
        const range = document.createRange();
        range.selectNodeContents(dd);
        return { text: dd.textContent, lines: range.getClientRects().length };
      }),
    ).resolves.toEqual({ text: ticket.number, lines: 1 });

    // Move to Sales.
    await page.selectOption('#queueId', String(queues.Sales));
    await page.click('[data-test=move]');
    await page.waitForURL(`${baseUrl}/tickets/${ticket.id}`);
    await expect(page.textContent('.flash-success')).resolves.toContain('The ticket was moved to Sales.');

    // The pending time appears only for a pending state.
    await expect(page.isVisible('[data-pending-fields]')).resolves.toBe(false);
    await page.selectOption('#state', 'pending reminder');
    await expect(page.isVisible('[data-pending-fields]')).resolves.toBe(true);
    const tomorrow = quickChoiceOptions(Date.now(), 'Europe/Berlin').find((o) => o.choice === 'tomorrow-0900')!.value;
    await page.click('[data-test=quick-tomorrow-0900]');
    // The quick choice fills in the time to be checked; it does not submit.
    await expect(page.inputValue('#pendingUntil')).resolves.toBe(tomorrow);
    expect(page.url()).toBe(`${baseUrl}/tickets/${ticket.id}`);
    await page.click('[data-test=set-state]');
    await page.waitForURL(`${baseUrl}/tickets/${ticket.id}`);
    await expect(page.textContent('[data-test=state]')).resolves.toBe('pending reminder');
    await expect(page.textContent('[data-test=pending-until]')).resolves.toBe(tomorrow.replace('T', ' '));
    const stored = await t.dataSource.getRepository(Ticket).findOneByOrFail({ id: ticket.id });
    expect(new Intl.DateTimeFormat('sv-SE', { timeZone: 'Europe/Berlin', dateStyle: 'short', timeStyle: 'short' }).format(Number(stored.pendingUntil))).toBe(tomorrow.replace('T', ' '));

    // The history opens from the sidebar link.
    await expect(page.isVisible('.history-table')).resolves.toBe(false);
    await page.click('a[href="#history"]');
    await expect(page.isVisible('.history-table')).resolves.toBe(true);
    const history = await page.textContent('[data-test=history]');
    expect(history).toContain('Moved from queue Support to Sales');
    expect(history).toContain('State changed from new to pending reminder');
    expect(history).toContain(`Pending time set to ${tomorrow.replace('T', ' ')}`);
    expect(history).toContain('Anna Agent (anna)');
    expect(consoleErrors).toEqual([]);
  });

  it('sets the typed time on Enter in the time field, never a quick choice', async () => {
    const { ticket } = await insertTicket(t, { profileId, queueId: queues.Support, channel: 'dm', state: 'open' });
    await page.goto(`${baseUrl}/tickets/${ticket.id}`);
    await page.selectOption('#state', 'pending auto close+');
    await page.fill('#pendingUntil', '2031-05-06T07:08');
    await page.press('#pendingUntil', 'Enter');
    await page.waitForURL(`${baseUrl}/tickets/${ticket.id}`);
    await expect(page.textContent('[data-test=pending-until]')).resolves.toBe('2031-05-06 07:08');
    await expect(page.textContent('[data-test=state]')).resolves.toBe('pending auto close+');
  });

  // Layout does not depend on the database: the PostgreSQL run leaves this one out.
  (process.env.DATABASE_URL ? it.skip : it)('fits 1280 and 390 pixels in English, German and Serbian (screenshots to look at)', async () => {
    const { ticket } = await insertTicket(t, {
      profileId,
      queueId: queues.Support,
      channel: 'tweet',
      title: 'Bestellung 4711 ist nicht angekommen — бројеви поруџбина',
      articles: [{ body: '@acme_support my order 4711 never arrived, tracking says delivered to a very-long-street-name-without-spaces-1234567890' }],
    });
    await page.goto(`${baseUrl}/tickets/${ticket.id}`);
    await page.selectOption('#queueId', String(queues.Sales));
    await page.click('[data-test=move]');
    await page.waitForURL(`${baseUrl}/tickets/${ticket.id}`);
    await page.selectOption('#state', 'pending reminder');
    await page.click('[data-test=quick-in-1-hour]');
    await page.click('[data-test=set-state]');
    await page.waitForURL(`${baseUrl}/tickets/${ticket.id}`);
    // A reminder already reached, for the dashboard.
    const { ticket: due } = await insertTicket(t, { profileId, queueId: queues.Support, channel: 'dm', state: 'pending reminder', ownerId: ids.anna, locked: true, title: 'Call the customer back' });
    await t.dataSource.getRepository(Ticket).update({ id: due.id }, { pendingUntil: Date.now() - 60_000 });

    for (const language of ['en', 'de', 'sr'] as const) {
      await t.dataSource.getRepository(Agent).update({ id: ids.anna }, { language });
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: 900 });
        await page.goto(`${baseUrl}/tickets/${ticket.id}#history`);
        await page.selectOption('#state', 'pending reminder');
        await page.screenshot({ path: join(SHOTS, `zoom-${language}-${width}.png`), fullPage: true });
        await expectFits(['[data-test=set-state]', '[data-test=quick-tomorrow-0900]', '[data-test=quick-in-1-week]', '[data-test=unlock], [data-test=lock]', '[data-test=add-note]']);
        if (width === 1280) await expectAccessible();

        await page.goto(`${baseUrl}/`);
        await page.screenshot({ path: join(SHOTS, `dashboard-${language}-${width}.png`), fullPage: true });
        await expectFits([`[data-test=dashboard-reminders] a[href="/tickets/${due.id}"]`, `[data-test=dashboard-locked] a[href="/tickets/${due.id}"]`]);
        if (width === 1280) await expectAccessible();

        await page.goto(`${baseUrl}/preferences`);
        await page.screenshot({ path: join(SHOTS, `preferences-${language}-${width}.png`), fullPage: true });
        await expectFits(['#timeZone', '[data-test=save-preferences]', '#newPasswordRepeat', '[data-test=change-password]']);
        if (width === 1280) await expectAccessible();
      }
    }
    await t.dataSource.getRepository(Agent).update({ id: ids.anna }, { language: 'en' });

    // What another agent sees of Anna's locked ticket.
    const other = await app.context.browser()?.newContext();
    const otto = other ? await other.newPage() : await app.context.newPage();
    if (other) {
      await signIn(otto, baseUrl, 'otto', 'otto-password');
      await otto.setViewportSize({ width: 390, height: 900 });
      await otto.goto(`${baseUrl}/tickets/${due.id}`);
      await expect(otto.textContent('[data-test=lock-notice]')).resolves.toContain('Locked by Anna Agent (anna)');
      await otto.screenshot({ path: join(SHOTS, 'zoom-locked-by-other-en-390.png'), fullPage: true });
      await other.close();
    }
    expect(consoleErrors).toEqual([]);
  });
});
