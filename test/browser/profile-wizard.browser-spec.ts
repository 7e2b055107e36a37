import type { Page } from 'playwright-core';
import { startBrowserAppWithX, type BrowserAppWithX } from '../utils/browser-app';
import { ADMIN, type TestApp } from '../utils/create-test-app';

describe('an administrator adds a Twitter profile in a real browser', () => {
  let app: BrowserAppWithX;
  let t: TestApp;
  let account: BrowserAppWithX['account'];
  let page: Page;
  let baseUrl: string;

  beforeAll(async () => {
    // X sends the browser back to BASE_URL, so the app knows its real address up front (startBrowserAppWithX).
    app = await startBrowserAppWithX({ signedInAs: ADMIN });
    ({ t, account, page, baseUrl } = app);
  });
  afterAll(() => app?.close());

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
