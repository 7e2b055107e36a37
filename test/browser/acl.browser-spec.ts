import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { Queue } from '../../src/queues/queue.entity';
import { Group } from '../../src/users/group.entity';
import { AgentsService } from '../../src/users/agents.service';
import { createReadyProfile } from '../factories/profile.factory';
import { freePort, launchBrowser, signIn } from '../utils/browser';
import { ADMIN, createTestApp, type TestApp } from '../utils/create-test-app';

const EXAMPLE_PATH = join(__dirname, '..', '..', 'acl-examples', 'TwitterAccessRestriction.yml');
const EXAMPLE_NAME = 'Limit Access to Twitter Profile';

describe('an administrator restricts Twitter profile 1 with the OTRS example ACL, in a real browser', () => {
  let t: TestApp;
  let browser: Awaited<ReturnType<typeof launchBrowser>>;
  let baseUrl: string;
  let acmeId: number;
  let salesId: number;

  beforeAll(async () => {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    t = await createTestApp({ env: { BASE_URL: baseUrl } });

    // A queue both agents work in (rw in its group), and two ready profiles; the first is profile 1.
    const groups = t.dataSource.getRepository(Group);
    const support = await groups.save(groups.create({ name: 'support', comment: '', validity: 'valid' }));
    const twitter = await groups.findOneByOrFail({ name: 'twitter' });
    const queues = t.dataSource.getRepository(Queue);
    const queue = await queues.save(queues.create({ name: 'Support', groupId: support.id, followUp: 'possible' }));
    acmeId = (await createReadyProfile(t, { name: 'AcmeSupport', targetQueueId: queue.id })).id;
    salesId = (await createReadyProfile(t, { name: 'AcmeSales', accountId: '1790000000000000043', accountHandle: 'acme_sales', targetQueueId: queue.id })).id;
    expect(acmeId).toBe(1);

    const agents = t.app.get(AgentsService);
    const tina = await agents.create({ login: 'tina', name: 'Tina Twitter', password: 'tina-password' });
    await agents.setMembership(tina.id, support.id, 'rw');
    await agents.setMembership(tina.id, twitter.id, 'rw');
    const otto = await agents.create({ login: 'otto', name: 'Otto Other', password: 'otto-password' });
    await agents.setMembership(otto.id, support.id, 'rw');
    await agents.setMembership(otto.id, twitter.id, 'ro');

    await t.app.listen(port, '127.0.0.1');
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  let page: Page;
  /** One browser, one person at a time: the cookies go, then the next one signs in. */
  async function pageAs(login: string, password: string): Promise<Page> {
    await browser.context.clearCookies();
    page ??= await browser.context.newPage();
    await signIn(page, baseUrl, login, password);
    return page;
  }

  async function offeredProfiles(page: Page): Promise<string[]> {
    await page.goto(`${baseUrl}/tickets/new`);
    return page.$$eval('#profileId option', (options) => options.map((o) => (o as unknown as { value: string }).value).filter((v) => v !== ''));
  }

  it('imports the example file by upload, deploys it, and profile 1 disappears for agents outside twitter only', async () => {
    // Before: Otto sees both profiles.
    await expect(offeredProfiles(await pageAs('otto', 'otto-password'))).resolves.toEqual(expect.arrayContaining([String(acmeId), String(salesId)]));

    const admin = await pageAs(ADMIN.login, ADMIN.password);
    await admin.goto(`${baseUrl}/admin/acl`);
    await admin.click(`a[href="/admin/acl/import"]`);
    await admin.setInputFiles('#file', EXAMPLE_PATH);
    await admin.click('form[action="/admin/acl/import"] button.primary');
    await admin.waitForURL(`${baseUrl}/admin/acl`);
    await expect(admin.textContent('.flash')).resolves.toContain(`Imported: 1 added, 0 replaced (${EXAMPLE_NAME}).`);
    await expect(admin.textContent('#acl-table')).resolves.toContain(EXAMPLE_NAME);

    // The filter box narrows the list as the admin types (public/app.js).
    await admin.fill('#filter', 'no such acl');
    await expect(admin.locator('#acl-table tbody tr', { hasText: EXAMPLE_NAME }).isHidden()).resolves.toBe(true);
    await admin.fill('#filter', 'twitter');
    await expect(admin.locator('#acl-table tbody tr', { hasText: EXAMPLE_NAME }).isVisible()).resolves.toBe(true);

    await admin.click('[data-test=acl-deploy]');
    await admin.waitForURL(`${baseUrl}/admin/acl`);
    await expect(admin.textContent('.flash')).resolves.toMatch(/deployed/i);

    const ottoSees = await offeredProfiles(await pageAs('otto', 'otto-password'));
    expect(ottoSees).not.toContain(String(acmeId));
    expect(ottoSees).toContain(String(salesId));
    await expect(offeredProfiles(await pageAs('tina', 'tina-password'))).resolves.toEqual(expect.arrayContaining([String(acmeId), String(salesId)]));
  });
});
