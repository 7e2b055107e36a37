import type { Page } from 'playwright-core';
import { Queue } from '../../src/queues/queue.entity';
import { createReadyProfile } from '../factories/profile.factory';
import { insertTicket } from '../factories/ticket.factory';
import { launchBrowser, signIn } from '../utils/browser';
import { ADMIN, createTestApp, type TestApp } from '../utils/create-test-app';

describe('after logout, Back in the browser', () => {
  let t: TestApp;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let baseUrl: string;

  beforeAll(async () => {
    t = await createTestApp();
    await t.app.listen(0, '127.0.0.1');
    baseUrl = await t.app.getUrl();
    browser = await launchBrowser();
    page = await browser.context.newPage();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('shows the login page, not the ticket that was open', async () => {
    const raw = await t.dataSource.getRepository(Queue).findOneByOrFail({ name: 'Raw' });
    const profile = await createReadyProfile(t, { targetQueueId: raw.id });
    const { ticket } = await insertTicket(t, { profileId: profile.id, queueId: raw.id, channel: 'dm', title: 'Salary of the CEO' });

    await signIn(page, baseUrl, ADMIN.login, ADMIN.password);
    await page.goto(`${baseUrl}/tickets/${ticket.id}`);
    await page.getByRole('heading', { name: /Salary of the CEO/ }).waitFor();

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL(`${baseUrl}/login`);
    await page.goBack();
    await page.waitForLoadState();

    expect(page.url()).toMatch(new RegExp(`^${baseUrl}/login`));
    expect(await page.content()).not.toContain('Salary of the CEO');
    expect(await page.locator('#password').isVisible()).toBe(true);
  });
});
