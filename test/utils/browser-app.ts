import type { BrowserContext, Page } from 'playwright-core';
import { registerXAccount } from '../factories/x-account.factory';
import { startFakeXApi, type FakeXApi } from '../support/fake-x-api';
import { freePort, launchBrowser, signIn } from './browser';
import { createTestApp, type TestApp } from './create-test-app';

/** What a browser test works with: the whole app on a loopback port and one fresh Chromium page. */
export interface BrowserApp {
  t: TestApp;
  page: Page;
  /** The page's browser context, e.g. for a second page or to clear the cookies between people. */
  context: BrowserContext;
  baseUrl: string;
  /** Closes the browser, then the app. */
  close(): Promise<void>;
}

/** The same, talking to a fake X started for the test, with one X account registered there. */
export interface BrowserAppWithX extends BrowserApp {
  fakeX: FakeXApi;
  account: ReturnType<typeof registerXAccount>;
}

interface Options {
  /** Signs the page in first. */
  signedInAs?: { login: string; password: string };
  /** Settings on top of the test app's, e.g. DELIVERY_INTERVAL_MS. */
  env?: Record<string, string>;
}

interface OptionsWithX extends Options {
  /**
   * The fake X's loopback demo mode (on unless false): it then calls this instance at an http
   * loopback BASE_URL, e.g. for the CRC check when the wizard subscribes a webhook.
   */
  loopbackDemo?: boolean;
}

/** The app on a free port with BASE_URL set to that address (where X and the browser are sent back), and a browser page. */
export function startBrowserApp(options: Options = {}): Promise<BrowserApp> {
  return start(options.env ?? {}, options);
}

/**
 * As startBrowserApp, with the app's X client pointed at a fake X in its loopback demo mode (X calls
 * this instance, e.g. for the CRC check, at BASE_URL, an http loopback address). close() lets the
 * fake's pending deliveries land before the app goes.
 */
export async function startBrowserAppWithX(options: OptionsWithX = {}): Promise<BrowserAppWithX> {
  const fakeX = await startFakeXApi({ loopbackDemo: options.loopbackDemo ?? true });
  const account = registerXAccount(fakeX);
  const app = await start({ ...options.env, X_API_BASE_URL: fakeX.baseUrl }, options, () => fakeX.waitForDeliveries());
  return {
    ...app,
    fakeX,
    account,
    close: async () => {
      await app.close();
      await fakeX.close();
    },
  };
}

async function start(env: Record<string, string>, options: Options, beforeAppCloses?: () => Promise<unknown>): Promise<BrowserApp> {
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const t = await createTestApp({ env: { ...env, BASE_URL: baseUrl } });
  await t.app.listen(port, '127.0.0.1');
  const browser = await launchBrowser();
  const page = await browser.context.newPage();
  if (options.signedInAs) await signIn(page, baseUrl, options.signedInAs.login, options.signedInAs.password);
  return {
    t,
    page,
    context: browser.context,
    baseUrl,
    close: async () => {
      await browser.close();
      await beforeAppCloses?.();
      await t.close();
    },
  };
}
