import type { Page } from 'playwright-core';
import { Queue } from '../../src/queues/queue.entity';
import { Article } from '../../src/tickets/article.entity';
import { AgentsService } from '../../src/agents/agents.service';
import { Group } from '../../src/agents/group.entity';
import { createReadyProfile } from '../factories/profile.factory';
import { insertTicket } from '../factories/ticket.factory';
import type { FakeXApi } from '../support/fake-x-api';
import { signIn } from '../utils/browser';
import { startBrowserAppWithX, type BrowserAppWithX } from '../utils/browser-app';
import type { TestApp } from '../utils/create-test-app';

describe('an agent answers a ticket in a real browser', () => {
  let app: BrowserAppWithX;
  let t: TestApp;
  let fakeX: FakeXApi;
  let page: Page;
  let baseUrl: string;
  let profileId: number;
  let queueId: number;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    app = await startBrowserAppWithX({ loopbackDemo: false });
    ({ t, fakeX, page, baseUrl } = app);

    const groups = t.dataSource.getRepository(Group);
    const support = await groups.save(groups.create({ name: 'support', comment: '', validity: 'valid' }));
    const queues = t.dataSource.getRepository(Queue);
    queueId = (await queues.save(queues.create({ name: 'Support', groupId: support.id, followUp: 'possible' }))).id;
    profileId = (await createReadyProfile(t, { targetQueueId: queueId })).id;
    const agents = t.app.get(AgentsService);
    const anna = await agents.create({ login: 'anna', name: 'Anna Agent', password: 'anna-password' });
    await agents.setMembership(anna.id, support.id, 'rw');

    // A CSP violation (inline script or style) shows up as a console error.
    page.on('console', (message) => {
      // The browser asks for /favicon.ico on its own; the app has none.
      if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) consoleErrors.push(message.text());
    });
    await signIn(page, baseUrl, 'anna', 'anna-password');
  });
  afterAll(() => app?.close());

  it('opens a DM ticket from the queue view, replies, and sees the reply sent', async () => {
    const { ticket, customer } = await insertTicket(t, { profileId, queueId, channel: 'dm', title: 'Where is my parcel?' });

    await page.click('[data-test=nav-tickets]');
    await page.waitForURL(`${baseUrl}/tickets`);
    await page.click(`#tickets-table tr[data-ticket="${ticket.id}"] a`);
    await page.waitForURL(`${baseUrl}/tickets/${ticket.id}`);
    await expect(page.textContent('h1')).resolves.toContain('Where is my parcel?');

    await page.fill('#reply-body', 'Hi! It left our warehouse today.');
    await expect(page.textContent('#reply-counter')).resolves.toBe(String(10_000 - 'Hi! It left our warehouse today.'.length));
    await page.click('[data-test=send-reply]');
    await page.waitForURL(new RegExp(`/tickets/${ticket.id}#article-\\d+$`));

    await expect(page.textContent('.flash-success')).resolves.toContain('The reply was sent.');
    const reply = page.locator('[data-test=article]').last();
    await expect(reply.textContent()).resolves.toContain('Hi! It left our warehouse today.');
    await expect(reply.locator('[data-test=delivery]').textContent()).resolves.toBe('sent');
    await expect(page.textContent('[data-test=state]')).resolves.toBe('open');

    expect(fakeX.sent).toEqual([expect.objectContaining({ kind: 'dm', participantId: customer.id, text: 'Hi! It left our warehouse today.' })]);
    const stored = await t.dataSource.getRepository(Article).findOneByOrFail({ ticketId: ticket.id, sender: 'agent' });
    expect(stored.externalId).toBe((fakeX.sent[0] as { dmEventId: string }).dmEventId);
    expect(consoleErrors).toEqual([]);
  });

  it('counts a reply tweet by X’s weights as the agent types', async () => {
    const { ticket, customer } = await insertTicket(t, { profileId, queueId, channel: 'tweet' });
    await page.goto(`${baseUrl}/tickets/${ticket.id}`);
    const prefill = `@${customer.handle} `;
    await expect(page.inputValue('#reply-body')).resolves.toBe(prefill);
    await expect(page.textContent('#reply-counter')).resolves.toBe(String(280 - prefill.length));
    // A link counts 23 however long; a CJK character counts 2.
    await page.locator('#reply-body').pressSequentially('see https://example.com/a/very/long/path/to/the/order/status 好');
    await expect(page.textContent('#reply-counter')).resolves.toBe(String(280 - prefill.length - 4 - 23 - 1 - 2));
    await page.fill('#reply-body', 'x'.repeat(281));
    await expect(page.getAttribute('#reply-counter', 'class')).resolves.toContain('over-limit');
    expect(consoleErrors).toEqual([]);
  });
});
