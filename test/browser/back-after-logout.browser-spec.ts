import type { Page } from 'playwright-core';
import { Queue } from '../../src/queues/queue.entity';
import { createReadyProfile } from '../factories/profile.factory';
import { insertTicket } from '../factories/ticket.factory';
import { signIn } from '../utils/browser';
import { startBrowserApp, type BrowserApp } from '../utils/browser-app';
import { ADMIN, type TestApp } from '../utils/create-test-app';

describe('after logout, Back in the browser', () => {
  let app: BrowserApp;
  let t: TestApp;
  let page: Page;
  let baseUrl: string;

  beforeAll(async () => {
    app = await startBrowserApp();
    ({ t, page, baseUrl } = app);
  });
  afterAll(() => app?.close());

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
