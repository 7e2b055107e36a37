import type { Page } from 'playwright-core';
import { registerXAccount } from '../factories/x-account.factory';
import { startFakeXApi, type FakeXApi } from '../support/fake-x-api';
import { freePort, launchBrowser, signIn } from '../utils/browser';
import { ADMIN, createTestApp, type TestApp } from '../utils/create-test-app';

describe('an administrator adds a Twitter profile in a real browser', () => {
  let t: TestApp;
  let fakeX: FakeXApi;
  let account: ReturnType<typeof registerXAccount>;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let page: Page;
  let baseUrl: string;

  beforeAll(async () => {
    // X calls this instance (CRC) at BASE_URL, an http loopback address: the fake's loopback demo allows it.
    fakeX = await startFakeXApi({ loopbackDemo: true });
    account = registerXAccount(fakeX);
    // X sends the browser back to BASE_URL, so the app must know its real address up front.
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    t = await createTestApp({ env: { X_API_BASE_URL: fakeX.baseUrl, BASE_URL: baseUrl } });
    await t.app.listen(port, '127.0.0.1');
    browser = await launchBrowser();
    page = await browser.context.newPage();
    await signIn(page, baseUrl, ADMIN.login, ADMIN.password);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await fakeX?.close();
  });

  const heading = () => page.textContent('form.wizard-form h2');
  const flash = () => page.textContent('.flash');
  const next = () => page.click('.wizard-buttons button[value=next]');

  it('goes through all six steps, recovers from a wrong secret, finishes, filters, and sets it invalid-temporarily', async () => {
    await page.goto(`${baseUrl}/admin/social-media-profiles`);
    await page.click('[data-test=add-twitter]');
    await page.fill('#name', 'AcmeSupport');
    await page.fill('#description', 'Our main X account.');
    await page.click('button.primary');

    await expect(heading()).resolves.toBe('Step 1: Set up a Twitter developer account');
    await expect(page.inputValue('[data-test=callback-url]')).resolves.toBe(`${t.config.baseUrl}/api/v1/external_credentials/twitter/callback`);
    await next();
    await expect(heading()).resolves.toBe('Step 2: Twitter app name');
    await page.fill('#appName', 'Helpdesk App');
    await next();
    await page.fill('#consumerKey', account.consumerKey);
    await page.fill('#consumerSecret', 'a-wrong-consumer-secret');
    await next();
    await page.fill('#accessToken', account.accessToken);
    await page.fill('#accessTokenSecret', account.accessTokenSecret);
    await next();

    await expect(heading()).resolves.toBe('Step 5: Verify credentials');
    await page.click('[data-test=verify]');
    await expect(flash()).resolves.toContain('X refused the credentials (401)');

    await page.click('.wizard-buttons button[value=previous]');
    await page.click('.wizard-buttons button[value=previous]');
    await expect(heading()).resolves.toBe('Step 3: Consumer API keys');
    await expect(page.textContent('.secret-stored')).resolves.toContain('A value is stored');
    await page.fill('#consumerSecret', account.consumerSecret);
    await next();
    await next();
    await page.click('[data-test=verify]');
    await expect(page.textContent('[data-test=verified-account]')).resolves.toContain('@acme_support');

    await next();
    await expect(heading()).resolves.toBe('Step 6: Incoming settings');
    await page.selectOption('#targetQueueId', { label: 'Raw' });
    await page.check('input[name=autoReplyEnabled]');
    await page.fill('#autoReplyText', 'Thanks for your message, we answer within a day.');
    await page.click('.wizard-buttons button[value=finish]');
    await page.waitForURL(`${baseUrl}/admin/social-media-profiles`);
    await expect(flash()).resolves.toContain('The profile "AcmeSupport" is set up.');
    const row = page.locator('#profiles-table tbody tr', { hasText: 'AcmeSupport' });
    await expect(row.textContent()).resolves.toMatch(/@acme_support[^]*Raw/);

    // The filter box: Enter filters (in SQL) and keeps the filter in the URL.
    await page.fill('#filter', 'ACME');
    await Promise.all([page.waitForURL(`${baseUrl}/admin/social-media-profiles?filter=ACME`), page.press('#filter', 'Enter')]);
    await expect(page.locator('#profiles-table tbody tr').count()).resolves.toBe(1);
    await expect(page.inputValue('#filter')).resolves.toBe('ACME');

    await row.locator('a').click();
    await page.selectOption('#validity', 'invalid-temporarily');
    await page.click('.wizard-buttons button[value=finish]');
    await page.waitForURL(`${baseUrl}/admin/social-media-profiles`);
    await expect(page.locator('#profiles-table tbody tr', { hasText: 'AcmeSupport' }).textContent()).resolves.toContain('invalid-temporarily');
  });

  it('fills in the access token through Sign in with X', async () => {
    await page.goto(`${baseUrl}/admin/social-media-profiles/twitter/new`);
    await page.fill('#name', 'ThreeLegged');
    await page.click('button.primary');
    await page.goto(page.url().replace(/\/step\/1$/, '/step/3'));
    await page.fill('#consumerKey', account.consumerKey);
    await page.fill('#consumerSecret', account.consumerSecret);
    await next();
    await page.click('[data-test=sign-in-with-x]');
    // The fake X API's authorize page, then back through our callback.
    await page.click('text=Authorize app');
    await expect(page.textContent('[data-test=verified-account]')).resolves.toContain('@acme_support');
    await expect(flash()).resolves.toContain('Signed in with X as @acme_support');
  });
});
