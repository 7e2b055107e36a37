import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startBrowserAppWithX, type BrowserAppWithX } from '../utils/browser-app';
import { ADMIN, type TestApp } from '../utils/create-test-app';

/**
 * The wizard as a keyboard user and a sighted one meet it (issue 9): Enter in a field goes forward
 * (Save on the General page) and never backwards or to "Sign in with X"; every button on every
 * wizard page shows its label in en, de and sr. With SCREENSHOT_DIR set, each page is also saved at
 * 1280 and 390 px wide.
 */

const LANGUAGES = ['en', 'de', 'sr'] as const;
const SCREENSHOT_DIR = process.env.SCREENSHOT_DIR;

describe('the wizard, by keyboard and by eye', () => {
  let app: BrowserAppWithX;
  let t: TestApp;
  let account: BrowserAppWithX['account'];
  let page: Page;
  let baseUrl: string;
  let profileUrl: string;

  beforeAll(async () => {
    app = await startBrowserAppWithX({ signedInAs: ADMIN });
    ({ t, account, page, baseUrl } = app);
  });
  afterAll(() => app?.close());

  const heading = () => page.textContent('form.wizard-form h2');
  const enterIn = async (selector: string) => {
    await page.focus(selector);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
  };

  it('Enter in a field means "Next step" in every step, "Save" on the General page, and "Save and finish" in the last step', async () => {
    await page.goto(`${baseUrl}/admin/social-media-profiles/twitter/new`);
    await page.fill('#name', 'ByKeyboard');
    await enterIn('#name');
    await expect(heading()).resolves.toBe('Step 1: Set up a Twitter developer account');
    profileUrl = page.url().replace(/\/step\/1$/, '');

    await enterIn('[data-test=callback-url]');
    await expect(heading()).resolves.toBe('Step 2: Twitter app name');

    // A refused step stays where it is, with the message, and keeps what was typed.
    await page.fill('#appName', '');
    await enterIn('#appName');
    await expect(heading()).resolves.toBe('Step 2: Twitter app name');
    await expect(page.textContent('#appName-error')).resolves.toContain('required');
    await page.fill('#appName', 'Helpdesk App');
    await enterIn('#appName');
    await expect(heading()).resolves.toBe('Step 3: Consumer API keys');

    await page.fill('#consumerKey', account.consumerKey);
    await page.fill('#consumerSecret', account.consumerSecret);
    await enterIn('#consumerSecret');
    await expect(heading()).resolves.toBe('Step 4: Access token');

    await page.fill('#accessToken', account.accessToken);
    await page.fill('#accessTokenSecret', account.accessTokenSecret);
    await enterIn('#accessTokenSecret'); // not "Sign in with X", which comes first on the page
    await expect(heading()).resolves.toBe('Step 5: Verify credentials');
    expect(page.url()).toContain('/step/5');

    await Promise.all([page.waitForNavigation(), page.click('[data-test=verify]')]);
    await expect(page.textContent('[data-test=verified-account]')).resolves.toContain('@acme_support');
    await Promise.all([page.waitForNavigation(), page.click('.wizard-buttons button[value=next]')]);
    await expect(heading()).resolves.toBe('Step 6: Incoming settings');

    await page.selectOption('#targetQueueId', { label: 'Raw' });
    await page.check('input[name=receivingMode][value=webhook]');
    await page.fill('input[name="hashtags[0][hashtag]"]', '#keyboard');
    await page.selectOption('select[name="hashtags[0][queueId]"]', { label: 'Misc' });
    await enterIn('input[name="hashtags[0][hashtag]"]');
    expect(page.url()).toBe(`${baseUrl}/admin/social-media-profiles`);
    await expect(page.textContent('.flash-success')).resolves.toContain('The profile "ByKeyboard" is set up.');
    await expect(page.textContent('.flash-info')).resolves.toContain('Receiving by webhook works');

    await page.goto(profileUrl);
    await page.fill('#description', 'Typed, then Enter in the name field.');
    await enterIn('#name');
    expect(page.url()).toBe(profileUrl);
    await expect(page.textContent('.flash-success')).resolves.toContain('"ByKeyboard" was saved.');
    await expect(page.inputValue('#description')).resolves.toBe('Typed, then Enter in the name field.');
  });

  it('adds hashtag rows with "Add hashtag" instead of piling up empty ones, and reports every step-6 error in one round', async () => {
    await page.goto(`${profileUrl}/step/6`);
    const rows = () => page.locator('[data-hashtag-row]').count();
    await expect(rows()).resolves.toBe(2); // #keyboard and one empty row
    await page.click('[data-test=add-hashtag]');
    await expect(rows()).resolves.toBe(3);
    await expect(page.evaluate('document.activeElement && document.activeElement.getAttribute("name")')).resolves.toBe('hashtags[2][hashtag]');

    await page.selectOption('#targetQueueId', '');
    await page.check('input[name=autoReplyEnabled]');
    await page.fill('#autoReplyText', '');
    await page.fill('input[name="hashtags[1][hashtag]"]', 'not a hashtag!');
    await page.fill('input[name="hashtags[2][hashtag]"]', '#keyboard');
    await Promise.all([page.waitForNavigation(), page.click('.wizard-buttons button[value=save]')]);
    // The target queue, the auto-reply text, the bad hashtag and its queue, the duplicate and its queue: all at once.
    await expect(page.locator('.field-error').allTextContents()).resolves.toEqual([
      'Please choose one of the options.',
      'Enter the text of the automatic reply, or untick the checkbox.',
      'A hashtag is made of letters, digits and _ (at most 100).',
      'Please choose one of the options.',
      '#keyboard is listed twice.',
      'Please choose one of the options.',
    ]);
    // The three typed rows come back, plus one empty row — not three more.
    await expect(rows()).resolves.toBe(4);
  });

  it('shows every button of every wizard page with its label (text colour differs from the background; axe finds no contrast problem) in en, de and sr', async () => {
    const pages = ['', '/step/1', '/step/2', '/step/3', '/step/4', '/step/5', '/step/6'];
    try {
      for (const language of LANGUAGES) {
        await t.dataSource.query(`UPDATE users SET language = '${language}' WHERE login = 'root@localhost'`);
        for (const path of pages) {
          await page.goto(`${profileUrl}${path}`);
          const invisible = await page.evaluate<Array<{ label: string; color: string; background: string }>>(VISIBLE_BUTTON_COLOURS);
          expect({ language, path, invisible }).toEqual({ language, path, invisible: [] });

          const axe = await new AxeBuilder({ page }).withRules(['color-contrast']).analyze();
          const unclear = axe.incomplete
            .flatMap((result) => result.nodes)
            .filter((node) =>
              node.any.some((check) => typeof (check.data as { contrastRatio?: unknown } | null)?.contrastRatio === 'number' && (check.data as { contrastRatio: number }).contrastRatio > 0),
            );
          expect({ language, path, violations: axe.violations.flatMap((v) => v.nodes.map((n) => n.target.join(' '))), unclear: unclear.map((n) => n.target.join(' ')) }).toEqual({
            language,
            path,
            violations: [],
            unclear: [],
          });

          if (SCREENSHOT_DIR) await screenshots(page, language, path);
        }
        await page.goto(`${baseUrl}/admin/social-media-profiles`);
        if (SCREENSHOT_DIR) await screenshots(page, language, '/list');
        await page.goto(`${baseUrl}/admin`);
        if (SCREENSHOT_DIR) await screenshots(page, language, '/overview');
      }
    } finally {
      await t.dataSource.query(`UPDATE users SET language = 'en' WHERE login = 'root@localhost'`);
    }
  });
});

/**
 * In the page: every visible button (and link styled as one) with its label, text colour and the
 * background it is drawn on (the first non-transparent one up the tree); those without a label or
 * with text in the background colour. A string, since this project's TypeScript has no DOM types.
 */
const VISIBLE_BUTTON_COLOURS = `[...document.querySelectorAll('button:not(.default-submit), a.button')]
  .filter((button) => button.offsetParent !== null)
  .map((button) => {
    const style = getComputedStyle(button);
    let background = style.backgroundColor;
    for (let node = button; node && /rgba\\(0, 0, 0, 0\\)|transparent/.test(background); node = node.parentElement) background = getComputedStyle(node).backgroundColor;
    return { label: (button.textContent || '').trim(), color: style.color, background };
  })
  .filter((button) => button.label === '' || button.color === button.background)`;

async function screenshots(page: Page, language: string, path: string): Promise<void> {
  const dir = join(SCREENSHOT_DIR as string, language);
  mkdirSync(dir, { recursive: true });
  const name = path.replace(/^\//, '').replace(/\//g, '-') || 'general';
  for (const width of [1280, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: join(dir, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}
