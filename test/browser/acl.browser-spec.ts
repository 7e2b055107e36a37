import AxeBuilder from '@axe-core/playwright';
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { Queue } from '../../src/queues/queue.entity';
import { Group } from '../../src/agents/group.entity';
import { AgentsService } from '../../src/agents/agents.service';
import { createReadyProfile } from '../factories/profile.factory';
import { signIn } from '../utils/browser';
import { startBrowserApp, type BrowserApp } from '../utils/browser-app';
import { ADMIN, type TestApp } from '../utils/create-test-app';

const EXAMPLE_PATH = join(__dirname, '..', '..', 'acl-examples', 'TwitterAccessRestriction.yml');
const EXAMPLE_NAME = 'Limit Access to Twitter Profile';
/** Screenshots of the ACL screens, to look at (ACL_SCREENSHOTS=dir keeps them somewhere known). */
const SHOTS = process.env.ACL_SCREENSHOTS ?? join(tmpdir(), 'socialdesk-acl-screens');

/** An OTRS file with a queue restriction for non-members of twitter, and parts socialdesk ignores. */
const OTRS_FILE = `---
- Name: 100-no-junk-outside-twitter
  ConfigMatch:
    Properties:
      User:
        Group_rw:
        - '[Not]twitter'
  ConfigChange:
    PossibleNot:
      Ticket:
        Queue:
        - Junk
      Action:
      - AgentTicketClose
- Name: 200-priority
  ConfigMatch:
    Properties:
      Ticket:
        Priority:
        - 5 very high
  ConfigChange:
    PossibleNot:
      Action:
      - AgentTicketPriority
`;

/** axe violations, counting colour-contrast results axe could not decide but measured as failures. */
async function accessibilityProblems(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  const contrast = result.incomplete
    .filter((rule) => rule.id === 'color-contrast')
    .flatMap((rule) => rule.nodes)
    .filter((node) =>
      node.any.some(
        (check) =>
          typeof (check.data as { contrastRatio?: number } | null)?.contrastRatio === 'number' &&
          (check.data as { contrastRatio: number }).contrastRatio > 0 &&
          (check.data as { contrastRatio: number }).contrastRatio < 4.5,
      ),
    );
  return [...result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`), ...contrast.map((n) => `contrast: ${n.target.join(' ')}`)];
}

describe('an administrator manages OTRS ACLs in a real browser', () => {
  let app: BrowserApp;
  let t: TestApp;
  let page: Page;
  let baseUrl: string;
  let acmeId: number;
  let salesId: number;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    app = await startBrowserApp();
    ({ t, page, baseUrl } = app);

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
  });
  afterAll(() => app?.close());

  /** One browser, one person at a time: the cookies go, then the next one signs in. */
  async function pageAs(login: string, password: string): Promise<Page> {
    await app.context.clearCookies();
    await page.setViewportSize({ width: 1280, height: 900 });
    await signIn(page, baseUrl, login, password);
    return page;
  }

  async function offeredProfiles(page: Page): Promise<string[]> {
    await page.goto(`${baseUrl}/tickets/new`);
    return page.$$eval('#profileId option', (options) => options.map((o) => (o as unknown as { value: string }).value).filter((v) => v !== ''));
  }

  async function shot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
  }

  it('imports the example file by upload, deploys it, and profile 1 disappears for agents outside twitter only', async () => {
    await expect(offeredProfiles(await pageAs('otto', 'otto-password'))).resolves.toEqual(expect.arrayContaining([String(acmeId), String(salesId)]));

    const admin = await pageAs(ADMIN.login, ADMIN.password);
    await admin.goto(`${baseUrl}/admin/acl`);
    await admin.click(`a[href="/admin/acl/import"]`);
    await shot(admin, 'import');
    await expect(accessibilityProblems(admin)).resolves.toEqual([]);
    await admin.setInputFiles('#file', EXAMPLE_PATH);
    await admin.click('form[action^="/admin/acl/import"] button.primary');
    await admin.waitForURL(`${baseUrl}/admin/acl`);
    await expect(admin.textContent('.flash')).resolves.toContain(`Imported: 1 added, 0 replaced (${EXAMPLE_NAME}).`);
    await expect(admin.textContent('#acl-table')).resolves.toContain(EXAMPLE_NAME);

    // The filter box: Enter filters (in SQL) and the filter stays in the URL and the box.
    await admin.fill('#filter', 'no such acl');
    await Promise.all([admin.waitForURL(`${baseUrl}/admin/acl?filter=no+such+acl`), admin.press('#filter', 'Enter')]);
    await expect(admin.locator('#acl-table tbody tr', { hasText: EXAMPLE_NAME }).count()).resolves.toBe(0);
    await admin.fill('#filter', 'TWITTER');
    await Promise.all([admin.waitForURL(`${baseUrl}/admin/acl?filter=TWITTER`), admin.press('#filter', 'Enter')]);
    await expect(admin.locator('#acl-table tbody tr', { hasText: EXAMPLE_NAME }).isVisible()).resolves.toBe(true);
    await expect(admin.inputValue('#filter')).resolves.toBe('TWITTER');

    await admin.click('[data-test=acl-deploy]');
    await admin.waitForURL(`${baseUrl}/admin/acl`);
    await expect(admin.textContent('.flash')).resolves.toMatch(/deployed/i);

    const ottoSees = await offeredProfiles(await pageAs('otto', 'otto-password'));
    expect(ottoSees).not.toContain(String(acmeId));
    expect(ottoSees).toContain(String(salesId));
    await expect(offeredProfiles(await pageAs('tina', 'tina-password'))).resolves.toEqual(expect.arrayContaining([String(acmeId), String(salesId)]));
  });

  it('shows what socialdesk ignores in the list, the all-agents matrix in the simulator, and deletes a selection after confirming', async () => {
    const admin = await pageAs(ADMIN.login, ADMIN.password);
    await admin.goto(`${baseUrl}/admin/acl/import`);
    await admin.fill('#yaml', OTRS_FILE);
    await admin.click('form[action^="/admin/acl/import"] button.primary');
    await admin.waitForURL(`${baseUrl}/admin/acl`);
    const row = admin.locator('#acl-table tbody tr', { hasText: '200-priority' });
    await expect(row.locator('.acl-warnings').isVisible()).resolves.toBe(true);
    await expect(row.locator('.acl-warnings').textContent()).resolves.toContain('has no effect here: Ticket.Priority');
    await shot(admin, 'list-with-notes');
    await expect(accessibilityProblems(admin)).resolves.toEqual([]);
    await admin.click('[data-test=acl-deploy]');
    await admin.waitForURL(`${baseUrl}/admin/acl`);

    // The simulator: every agent against the real queues, the deciding ACL in each cell.
    await admin.goto(`${baseUrl}/admin/acl/simulate`);
    await admin.selectOption('#field', 'Ticket.Queue');
    await admin.selectOption('#agentId', 'all');
    await admin.click('form[action="/admin/acl/simulate"] button.primary');
    await admin.waitForSelector('[data-test=acl-simulation-matrix]');
    const junkColumn = await admin.$$eval('[data-test=acl-simulation-matrix] thead th', (cells) => cells.findIndex((c) => c.textContent === 'Junk'));
    const cell = (login: string) => admin.locator(`[data-test=acl-simulation-matrix] tbody tr:has(th:text-is("${login}")) > :nth-child(${junkColumn + 1})`);
    await expect(cell('otto').getAttribute('class')).resolves.toBe('option-removed');
    await expect(cell('otto').textContent()).resolves.toContain('100-no-junk-outside-twitter');
    await expect(cell('tina').getAttribute('class')).resolves.toBe('option-allowed');
    await expect(cell('otto').isVisible()).resolves.toBe(true);
    await shot(admin, 'simulator-matrix');
    await expect(accessibilityProblems(admin)).resolves.toEqual([]);

    // Narrow screens: the matrix scrolls inside its box, the page does not grow sideways.
    await admin.setViewportSize({ width: 390, height: 844 });
    await shot(admin, 'simulator-matrix-390');
    const widths = await admin.evaluate<{ page: number; view: number }>('({ page: document.documentElement.scrollWidth, view: window.innerWidth })');
    expect(widths.page).toBeLessThanOrEqual(widths.view);
    await admin.setViewportSize({ width: 1280, height: 900 });

    // Delete two ACLs, one of them valid, by ticking them in the list.
    await admin.goto(`${baseUrl}/admin/acl`);
    await admin.check('input[aria-label="Select: 200-priority"]');
    await admin.check(`input[aria-label="Select: ${EXAMPLE_NAME}"]`);
    await admin.click('[data-test=acl-delete-selected]');
    await admin.waitForSelector('[data-test=acl-delete-list]');
    await expect(admin.textContent('[data-test=acl-delete-list]')).resolves.toContain('200-priority');
    await shot(admin, 'delete-confirmation');
    await expect(accessibilityProblems(admin)).resolves.toEqual([]);
    await admin.click('button.danger');
    await admin.waitForURL(`${baseUrl}/admin/acl`);
    await expect(admin.textContent('.flash')).resolves.toContain('2 ACL(s) deleted');
    await expect(admin.locator('#acl-table tbody tr', { hasText: '200-priority' }).count()).resolves.toBe(0);

    await admin.goto(`${baseUrl}/admin/acl/help`);
    await shot(admin, 'help');
    await expect(accessibilityProblems(admin)).resolves.toEqual([]);
  });
});
