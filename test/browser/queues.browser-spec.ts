import type { Page } from 'playwright-core';
import { signIn } from '../utils/browser';
import { startBrowserApp, type BrowserApp } from '../utils/browser-app';
import { ADMIN } from '../utils/create-test-app';

describe('an administrator in a real browser', () => {
  let app: BrowserApp;
  let page: Page;
  let baseUrl: string;

  beforeAll(async () => {
    app = await startBrowserApp();
    ({ page, baseUrl } = app);
  });
  afterAll(() => app?.close());

  it('logs in, adds a queue, sees it listed, and logs out', async () => {
    await page.goto(`${baseUrl}/admin/queues`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.fill('#login', ADMIN.login);
    await page.fill('#password', ADMIN.password);
    await page.click('button[type=submit]');
    await page.waitForURL(`${baseUrl}/admin/queues`);

    await page.click('text=Add queue');
    await page.fill('#name', 'Twitter Support');
    await page.selectOption('#groupId', { label: 'twitter' });
    await page.selectOption('#followUp', 'new-ticket');
    await page.check('input[name=followUpLock]');
    await page.fill('#comment', 'Mentions and DMs');
    await page.click('button.primary');

    await page.waitForURL(`${baseUrl}/admin/queues`);
    await expect(page.textContent('.flash-success')).resolves.toContain('"Twitter Support" was added.');
    const row = page.locator('#queues-table tr', { hasText: 'Twitter Support' });
    await expect(row.textContent()).resolves.toMatch(/twitter.*new ticket.*Yes.*Mentions and DMs/s);

    await page.click('text=Log out');
    await page.waitForURL(`${baseUrl}/login`);
    await expect(page.textContent('.flash-success')).resolves.toContain('You have been logged out.');
    await page.goto(`${baseUrl}/admin/queues`);
    expect(new URL(page.url()).pathname).toBe('/login');
  });

  it('filters the queue table when the admin presses Enter in the filter box, keeping the filter in the URL', async () => {
    await signIn(page, baseUrl, ADMIN.login, ADMIN.password);
    await page.goto(`${baseUrl}/admin/queues`);
    await page.fill('#filter', 'jun');
    await Promise.all([page.waitForURL(`${baseUrl}/admin/queues?filter=jun`), page.press('#filter', 'Enter')]);
    await expect(page.locator('#queues-table tbody tr').allTextContents()).resolves.toEqual([expect.stringContaining('Junk')]);
    await expect(page.inputValue('#filter')).resolves.toBe('jun');
    await page.click('[data-test=filter-reset]');
    await page.waitForURL(`${baseUrl}/admin/queues`);
    await expect(page.locator('#queues-table tbody tr').count()).resolves.toBeGreaterThan(1);
  });

  it('keeps what was typed when the form is rejected', async () => {
    await page.goto(`${baseUrl}/admin/queues/new`);
    await page.fill('#name', 'Raw');
    await page.fill('#comment', 'a duplicate name');
    await page.selectOption('#groupId', { label: 'users' });
    await page.click('button.primary');
    await page.waitForURL(`${baseUrl}/admin/queues/new`);
    await expect(page.textContent('#name-error')).resolves.toContain('A queue named "Raw" already exists.');
    await expect(page.inputValue('#comment')).resolves.toBe('a duplicate name');
  });
});
