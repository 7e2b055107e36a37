import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { MediaFetcher } from '../../src/attachments/media-fetcher.service';
import { InboxWorker } from '../../src/inbox/inbox-worker.service';
import { Queue } from '../../src/queues/queue.entity';
import { SocialMediaProfile } from '../../src/social-media-profiles/social-media-profile.entity';
import { Article } from '../../src/tickets/article.entity';
import { Agent } from '../../src/agents/agent.entity';
import { AgentsService } from '../../src/agents/agents.service';
import { Group } from '../../src/agents/group.entity';
import { createReadyProfile } from '../factories/profile.factory';
import { insertTicket } from '../factories/ticket.factory';
import type { FakeXApi, FakeXSentDirectMessage } from '../support/fake-x-api';
import { patternPng } from '../support/png';
import { directMessageLength, MAX_DM_LENGTH, MAX_TWEET_WEIGHT, weightedTweetLength } from '../../src/tickets/tweet-length';
import { signIn } from '../utils/browser';
import { startBrowserAppWithX, type BrowserAppWithX } from '../utils/browser-app';
import type { TestApp } from '../utils/create-test-app';

/** Where the screenshots go, to be looked at (SCREENSHOT_DIR, else a folder in the temp dir). */
const SHOTS = process.env.SCREENSHOT_DIR ?? join(tmpdir(), 'socialdesk-screenshots');

/**
 * An agent's day in a real browser (issue 10): finds a ticket by a word the customer wrote, opens
 * it, answers the mention by DM with a screenshot; a double click on "Send" sends once. Screenshots
 * at 1280 and 390 px in English, German and Serbian; axe on the changed pages.
 */
describe('search, answer by DM with an image, and a double click, in a real browser', () => {
  let app: BrowserAppWithX;
  let t: TestApp;
  let fakeX: FakeXApi;
  let account: BrowserAppWithX['account'];
  let page: Page;
  let baseUrl: string;
  let profileId: number;
  let queueId: number;
  let annaId: number;
  const consoleErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    app = await startBrowserAppWithX({ loopbackDemo: false, env: { DELIVERY_INTERVAL_MS: '3600000' } });
    ({ t, fakeX, account, page, baseUrl } = app);
    const support = await t.dataSource.getRepository(Group).save({ name: 'support', comment: '', validity: 'valid' });
    queueId = (await t.dataSource.getRepository(Queue).save({ name: 'Support', groupId: support.id, followUp: 'possible' })).id;
    profileId = (await createReadyProfile(t, { accountId: account.userId, targetQueueId: queueId })).id;
    await t.dataSource.getRepository(SocialMediaProfile).update({ id: profileId }, { aaaEnvironment: 'prod' });
    fakeX.subscribeWebhook({ url: `${baseUrl}/webhooks/x/${profileId}`, consumerKey: account.consumerKey, forUserId: account.userId });
    const anna = await t.app.get(AgentsService).create({ login: 'anna', name: 'Anna Agentin', password: 'anna-password' });
    annaId = anna.id;
    await t.app.get(AgentsService).setMembership(anna.id, support.id, 'rw');

    page.on('console', (message) => {
      if (message.type() === 'error' && !message.location().url.endsWith('/favicon.ico')) consoleErrors.push(message.text());
    });
    await signIn(page, baseUrl, 'anna', 'anna-password');
  });
  afterAll(() => app?.close());

  const sentDms = () => fakeX.sent.filter((s): s is FakeXSentDirectMessage => s.kind === 'dm');

  /** Serious or critical axe violations, and colour contrast axe could only measure (“incomplete” with a ratio). */
  async function accessibilityProblems(): Promise<string[]> {
    const results = await new AxeBuilder({ page }).analyze();
    const serious = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    const contrast = results.incomplete
      .filter((r) => r.id === 'color-contrast')
      .flatMap((r) =>
        r.nodes.filter((n) =>
          n.any.some((check) => typeof (check.data as { contrastRatio?: number } | null)?.contrastRatio === 'number' && (check.data as { contrastRatio: number }).contrastRatio > 0),
        ),
      )
      .map((n) => `color-contrast (incomplete, measured): ${n.target.join(' ')}`);
    return [...serious, ...contrast];
  }

  it('finds a mention by a word of it, answers by DM with a screenshot, and sees both images', async () => {
    const customer = { id: '1920000000000000001', username: 'lena_k', name: 'Lena Kovač' };
    const { tweetId } = await fakeX.deliverTweet({
      author: customer,
      text: `@${account.username} Die Lieferung ist beschädigt angekommen, siehe Foto`,
      mentions: [{ id: account.userId, username: account.username, name: account.name }],
      media: [{ type: 'photo', bytes: patternPng(240, 160), width: 240, height: 160 }],
    });
    await fakeX.waitForDeliveries();
    await t.app.get(InboxWorker).drain();
    await t.app.get(MediaFetcher).drain();
    const ticketId = (await t.dataSource.getRepository(Article).findOneByOrFail({ externalId: tweetId })).ticketId;

    await page.goto(`${baseUrl}/`);
    await page.fill('[data-test=search-box]', 'beschädigt');
    await page.press('[data-test=search-box]', 'Enter');
    await page.waitForURL(/\/search\?q=/);
    await expect(page.locator('[data-test=search-hit]').count()).resolves.toBe(1);
    await expect(page.locator('.search-hit mark').first().textContent()).resolves.toBe('beschädigt');
    expect(await accessibilityProblems()).toEqual([]);
    await page.click(`[data-test=search-hit][data-ticket="${ticketId}"] a`);
    await page.waitForURL(new RegExp(`/tickets/${ticketId}#article-\\d+$`));

    // The customer's photo is a thumbnail that really loads (served from the database, same origin).
    const incoming = page.locator('[data-test=article-media] img').first();
    await expect(incoming.evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).complete && (img as unknown as { naturalWidth: number }).naturalWidth > 0)).resolves.toBe(
      true,
    );

    // Answer by DM: the tweet's "@lena_k " prefill gives way to the DM's empty text, the limit to 10,000.
    await expect(page.inputValue('#reply-body')).resolves.toBe('@lena_k ');
    await page.check('[data-test=channel-dm]');
    await expect(page.inputValue('#reply-body')).resolves.toBe('');
    await expect(page.textContent('#reply-counter')).resolves.toBe('10000');
    await page.fill('#reply-body', 'Das tut uns leid! So sieht es richtig aus – wir senden Ersatz.');
    await page.setInputFiles('#reply-image', { name: 'richtig.png', mimeType: 'image/png', buffer: patternPng(200, 120, [30, 122, 52], [245, 246, 248]) });
    await page.click('[data-test=send-reply]');
    await page.waitForURL(new RegExp(`/tickets/${ticketId}#article-\\d+$`));
    await expect(page.textContent('.flash-success')).resolves.toContain('The reply was sent.');

    expect(sentDms()).toEqual([expect.objectContaining({ participantId: customer.id, text: 'Das tut uns leid! So sieht es richtig aus – wir senden Ersatz.', mediaIds: [fakeX.uploads.at(-1)!.id] })]);
    expect(fakeX.uploads).toHaveLength(1);
    const images = page.locator('[data-test=article-media] img');
    await expect(images.count()).resolves.toBe(2);
    await expect(
      images.nth(1).evaluate((img) => (img as unknown as { complete: boolean; naturalWidth: number }).complete && (img as unknown as { naturalWidth: number }).naturalWidth > 0),
    ).resolves.toBe(true);
    await expect(page.locator('[data-test=x-link]').first().getAttribute('href')).resolves.toBe(`https://x.com/lena_k/status/${tweetId}`);
    expect(await accessibilityProblems()).toEqual([]);

    for (const language of ['en', 'de', 'sr'] as const) {
      await t.dataSource.getRepository(Agent).update({ id: annaId }, { language });
      for (const width of [1280, 390]) {
        await page.setViewportSize({ width, height: 900 });
        await page.goto(`${baseUrl}/tickets/${ticketId}`);
        await page.screenshot({ path: join(SHOTS, `zoom-${language}-${width}.png`), fullPage: true });
        await page.goto(`${baseUrl}/search?q=lieferung`);
        await page.screenshot({ path: join(SHOTS, `search-${language}-${width}.png`), fullPage: true });
        await page.goto(`${baseUrl}/tickets/new`);
        await page.screenshot({ path: join(SHOTS, `new-${language}-${width}.png`), fullPage: true });
        // Nothing wider than the window at 390 px.
        expect([language, width, await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')]).toEqual([language, width, true]);
      }
      expect([language, await accessibilityProblems()]).toEqual([language, []]);
    }
    await t.dataSource.getRepository(Agent).update({ id: annaId }, { language: 'en' });
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(consoleErrors).toEqual([]);
  });

  it('the new-ticket counter counts the @handle the server puts in front of a tweet', async () => {
    await page.goto(`${baseUrl}/tickets/new`);
    await page.selectOption('#type', 'tweet');
    const text = `Hello Carol, ${'b'.repeat(262)}`;
    await page.fill('#body', text);
    await expect(page.textContent('#body-counter')).resolves.toBe(String(MAX_TWEET_WEIGHT - weightedTweetLength(text)));
    // The recipient typed after the text counts too: the server sends "@carol Hello Carol, bbb…", 282 > 280.
    await page.fill('#recipient', '@carol');
    await expect(page.textContent('#body-counter')).resolves.toBe(String(MAX_TWEET_WEIGHT - weightedTweetLength(`@carol ${text}`)));
    await expect(page.textContent('#body-counter')).resolves.toBe('-2');
    await expect(page.locator('#body-counter.over-limit').count()).resolves.toBe(1);
    // A text that names them already is sent as it is; a DM names nobody.
    await page.fill('#body', `@Carol ${text}`);
    await expect(page.textContent('#body-counter')).resolves.toBe(String(MAX_TWEET_WEIGHT - weightedTweetLength(`@Carol ${text}`)));
    await page.selectOption('#type', 'dm');
    await expect(page.textContent('#body-counter')).resolves.toBe(String(MAX_DM_LENGTH - directMessageLength(`@Carol ${text}`)));
    expect(consoleErrors).toEqual([]);
  });

  it('a double click on "Send" sends one DM', async () => {
    const { ticket, customer } = await insertTicket(t, { profileId, queueId, channel: 'dm', title: 'Double click' });
    const before = sentDms().length;
    await page.goto(`${baseUrl}/tickets/${ticket.id}`);
    await page.fill('#reply-body', 'Only once, please.');
    await page.dblclick('[data-test=send-reply]');
    await page.waitForURL(new RegExp(`/tickets/${ticket.id}#article-\\d+$`));
    await page.waitForLoadState('load');
    expect(sentDms().slice(before)).toEqual([expect.objectContaining({ participantId: customer.id, text: 'Only once, please.' })]);
    expect(await t.dataSource.getRepository(Article).countBy({ ticketId: ticket.id, sender: 'agent' })).toBe(1);
    // The button came back with the new page (and after "back").
    await expect(page.locator('[data-test=send-reply]').isDisabled()).resolves.toBe(false);
    expect(consoleErrors).toEqual([]);
  });
});
