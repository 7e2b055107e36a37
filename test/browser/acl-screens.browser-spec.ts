import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { Queue } from '../../src/queues/queue.entity';
import { Ticket } from '../../src/tickets/ticket.entity';
import { AgentsService } from '../../src/agents/agents.service';
import { Group } from '../../src/agents/group.entity';
import { Agent } from '../../src/agents/agent.entity';
import { createReadyProfile } from '../factories/profile.factory';
import { insertTicket } from '../factories/ticket.factory';
import type { FakeXApi, FakeXSentDirectMessage } from '../support/fake-x-api';
import { signIn } from '../utils/browser';
import { startBrowserAppWithX, type BrowserAppWithX } from '../utils/browser-app';
import { ADMIN, type TestApp } from '../utils/create-test-app';

const FILE = join(__dirname, '..', '..', 'acl-examples', 'QueueAndActionRestriction.yml');
/** Screenshots to look at (ACL_SCREENSHOTS=dir keeps them somewhere known). */
const SHOTS = process.env.ACL_SCREENSHOTS ?? join(tmpdir(), 'socialdesk-acl-screens');

/** axe violations, counting colour-contrast results axe could not decide but measured below 4.5:1 as failures. */
async function accessibilityProblems(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  const ratioOf = (data: unknown) => (data as { contrastRatio?: number } | null)?.contrastRatio;
  const contrast = result.incomplete
    .filter((rule) => rule.id === 'color-contrast')
    .flatMap((rule) => rule.nodes)
    .filter((node) => node.any.some((check) => typeof ratioOf(check.data) === 'number' && ratioOf(check.data)! > 0 && ratioOf(check.data)! < 4.5));
  return [...result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), ...contrast.map((n) => `contrast: ${n.target.join(' ')}`)];
}

/**
 * Issue 11's "Done when" in a real browser: the administrator uploads an OTRS file restricting a
 * queue and actions for group escalation and deploys it; an agent outside the group finds neither
 * the queue nor the actions on the new-ticket screen or the ticket view (in English, German and
 * Serbian, at 1280 and 390 px), and a form changed in the browser to send them anyway is refused;
 * a member of the group sees and uses everything, pressing Enter in the reply's pending time.
 */
describe('an OTRS ACL file on the agent screens, in a real browser', () => {
  let app: BrowserAppWithX;
  let t: TestApp;
  let fakeX: FakeXApi;
  let page: Page;
  let baseUrl: string;
  let profileId: number;
  const queues: Record<string, number> = {};
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    app = await startBrowserAppWithX({ loopbackDemo: false, env: { DELIVERY_INTERVAL_MS: '3600000' } });
    ({ t, fakeX, page, baseUrl } = app);
    const { account } = app;
    const groups = t.dataSource.getRepository(Group);
    const support = await groups.save({ name: 'support', comment: '', validity: 'valid' });
    const escalation = await groups.save({ name: 'escalation', comment: '', validity: 'valid' });
    for (const name of ['Support', 'Escalation']) queues[name] = (await t.dataSource.getRepository(Queue).save({ name, groupId: support.id, followUp: 'possible' as const })).id;
    profileId = (await createReadyProfile(t, { accountId: account.userId, targetQueueId: queues.Support })).id;
    const agents = t.app.get(AgentsService);
    for (const [login, name, team] of [
      ['nina', 'Nina Newcomer', false],
      ['mia', 'Mia Member', true],
    ] as const) {
      ids[login] = (await agents.create({ login, name, password: `${login}-password` })).id;
      await agents.setMembership(ids[login], support.id, 'rw');
      if (team) await agents.setMembership(ids[login], escalation.id, 'rw');
    }
  });
  afterAll(() => app?.close());

  async function as(login: string, password: string): Promise<void> {
    await app.context.clearCookies();
    await page.setViewportSize({ width: 1280, height: 900 });
    await signIn(page, baseUrl, login, password);
  }
  const shot = (name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  const options = (selector: string) => page.$$eval(`${selector} option`, (list) => list.map((o) => (o as unknown as { value: string }).value).filter((v) => v !== ''));
  const ticketOf = (id: number) => t.dataSource.getRepository(Ticket).findOneByOrFail({ id });

  it('the administrator uploads the OTRS file, sees what socialdesk ignores, and deploys', async () => {
    await as(ADMIN.login, ADMIN.password);
    await page.goto(`${baseUrl}/admin/acl/import`);
    await page.setInputFiles('#file', FILE);
    await page.click('form[action^="/admin/acl/import"] button.primary');
    await page.waitForURL(`${baseUrl}/admin/acl`);
    const row = page.locator('#acl-table tbody tr', { hasText: '200-Very high priority stays open' });
    await expect(row.locator('.acl-warnings').textContent()).resolves.toContain('has no effect here: Ticket.Priority');
    await page.click('[data-test=acl-deploy]');
    await page.waitForURL(`${baseUrl}/admin/acl`);
    await expect(page.textContent('.flash')).resolves.toMatch(/deployed/i);
  });

  it('outside the group: no Escalation queue for new tickets, only notes on an escalated ticket — in English, German and Serbian', async () => {
    const { ticket } = await insertTicket(t, { profileId, queueId: queues.Escalation, channel: 'tweet', state: 'open', title: 'Refund still missing after three weeks' });
    await as('nina', 'nina-password');
    await page.goto(`${baseUrl}/tickets/new`);
    await expect(options('#queueId')).resolves.toEqual([String(queues.Support)]);

    for (const language of ['en', 'de', 'sr'] as const) {
      await t.dataSource.getRepository(Agent).update({ id: ids.nina }, { language });
      await page.goto(`${baseUrl}/tickets/${ticket.id}`);
      for (const form of ['reply', 'lock', 'owner', 'state', 'move']) await expect(page.locator(`form[action^="/tickets/${ticket.id}/${form}"]`).count()).resolves.toBe(0);
      await expect(page.locator('#note-body').isVisible()).resolves.toBe(true);
      await expect(page.locator('[data-test=reply-refused]').isVisible()).resolves.toBe(true);
      await expect(page.locator('[data-test=acl-hidden]').isVisible()).resolves.toBe(true);
      await shot(`zoom-restricted-${language}`);
      await expect(accessibilityProblems(page)).resolves.toEqual([]);
    }
    await expect(page.textContent('[data-test=acl-hidden]')).resolves.toContain('Због ACL-ова вам овде није понуђено');
    await page.setViewportSize({ width: 390, height: 844 });
    await shot('zoom-restricted-sr-390');
    const widths = await page.evaluate<{ page: number; view: number }>('({ page: document.documentElement.scrollWidth, view: window.innerWidth })');
    expect(widths.page).toBeLessThanOrEqual(widths.view);
    await t.dataSource.getRepository(Agent).update({ id: ids.nina }, { language: 'en' });

    // The note still works, with Enter nowhere near a submit: it is typed and sent.
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${baseUrl}/tickets/${ticket.id}`);
    await page.fill('#note-body', 'Customer called again, please hurry.');
    await page.click('[data-test=add-note]');
    await page.waitForSelector('.flash');
    await expect(page.textContent('.articles')).resolves.toContain('Customer called again, please hurry.');
  });

  it('a form changed in the browser to close a ticket anyway is refused with 403 and changes nothing', async () => {
    const { ticket } = await insertTicket(t, { profileId, queueId: queues.Support, channel: 'dm', state: 'open' });
    await as('nina', 'nina-password');
    await page.goto(`${baseUrl}/tickets/${ticket.id}`);
    await expect(options('#state')).resolves.toEqual(['open', 'pending reminder', 'pending auto close+', 'pending auto close-']);
    // What a person with the developer tools could do: add the hidden option and send the form.
    await page.evaluate(
      `(() => { const select = document.querySelector('#state'); const option = document.createElement('option'); option.value = 'closed successful'; option.textContent = 'closed successful'; select.appendChild(option); select.value = 'closed successful'; })()`,
    );
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith(`/tickets/${ticket.id}/state`)), page.click('[data-test=set-state]')]);
    expect(response.status()).toBe(403);
    await expect(page.textContent('main')).resolves.toContain('An ACL does not allow you to close this ticket. Nothing was changed.');
    await shot('forged-close-403');
    await expect(ticketOf(ticket.id)).resolves.toMatchObject({ state: 'open', locked: false });
  });

  it('a member of the group sees every queue and action, and answers setting the ticket pending with Enter in the time field', async () => {
    const { ticket } = await insertTicket(t, { profileId, queueId: queues.Escalation, channel: 'dm', state: 'open' });
    await as('mia', 'mia-password');
    await page.goto(`${baseUrl}/tickets/new`);
    await expect(options('#queueId')).resolves.toEqual([String(queues.Escalation), String(queues.Support)]);
    await page.goto(`${baseUrl}/tickets/${ticket.id}`);
    await expect(options('#state')).resolves.toContain('closed successful');
    await expect(page.locator('[data-test=acl-hidden]').count()).resolves.toBe(0);
    // The pending time shows only for a pending next state.
    await expect(page.locator('#reply-pendingUntil').isVisible()).resolves.toBe(false);
    await page.fill('#reply-body', 'We have asked the bank and write again on Monday.');
    await page.selectOption('#reply-state', 'pending reminder');
    await expect(page.locator('#reply-pendingUntil').isVisible()).resolves.toBe(true);
    await shot('zoom-member-reply-pending');
    await expect(accessibilityProblems(page)).resolves.toEqual([]);
    await page.fill('#reply-pendingUntil', '2099-03-02T09:00');
    await Promise.all([page.waitForURL(new RegExp(`/tickets/${ticket.id}#article-\\d+$`)), page.press('#reply-pendingUntil', 'Enter')]);
    await expect(ticketOf(ticket.id)).resolves.toMatchObject({ state: 'pending reminder', locked: true, ownerId: ids.mia });
    expect(Number((await ticketOf(ticket.id)).pendingUntil)).toBe(Date.parse('2099-03-02T09:00:00Z'));
    expect(fakeX.sent.filter((s): s is FakeXSentDirectMessage => s.kind === 'dm').at(-1)).toMatchObject({ text: 'We have asked the bank and write again on Monday.' });
  });
});
