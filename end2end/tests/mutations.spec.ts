import { test, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { admin, consoleErrors, hydrated, signIn, snap } from './helpers';

// The demo seed holds answers in every review state; the active run's new ones include
// flagged values and contact-person changes.

async function axe(page: Page) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(', ')}`)).toEqual([]);
}

async function newCount(page: Page) {
  return Number((await page.getByTestId('tab-new').locator('.tab-count').textContent())!.replace(/[^0-9]/g, ''));
}

test.describe('mutations', () => {
  test('filter to a run, open an answer, process it, and it leaves the new ones', async ({ page }, testInfo) => {
    test.skip(testInfo.project.name !== 'desktop', 'the review walk runs once, on desktop');
    const errors = consoleErrors(page);
    await signIn(page, admin);
    await page.goto('/staff/mutations');
    await hydrated(page);
    await page.getByLabel('Data check').selectOption({ label: 'Najaarscontrole 2026 (Autobedrijf Dekker Amersfoort)' });
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page).toHaveURL(/run=\d+/);
    // The run stays in the filter below: a customer may also have answers from elsewhere
    // (a one-click unsubscribe).
    const run = new URL(page.url()).searchParams.get('run');
    const table = page.getByTestId('mutations-table');
    await expect(table.locator('tbody tr').first()).toBeVisible();
    await expect(table.locator('td[data-label="Data check"]').first()).toContainText('Najaarscontrole 2026');
    const row = table.locator('tbody tr', { hasText: /\d+ changes?/ }).first();
    const customer = (await row.locator('td[data-label="Customer"] a').textContent())!.trim();
    await row.locator('td[data-label="Customer"] a').click();
    await hydrated(page);
    await expect(page.getByRole('heading', { level: 1 })).toContainText(customer);
    const changes = page.getByTestId('field-changes');
    await expect(changes.getByRole('columnheader', { name: 'DMS now' })).toBeVisible();
    await expect(changes.getByRole('columnheader', { name: 'Submitted' })).toBeVisible();
    await expect(changes.locator('tbody tr').first()).toBeVisible();
    await snap(page, testInfo, 'mutation-view');

    // Keys: j to the next answer, k back, i asks to ignore and Escape drops the question.
    await page.keyboard.press('j');
    await expect(page.getByRole('heading', { level: 1 })).not.toContainText(customer);
    await page.keyboard.press('k');
    await expect(page.getByRole('heading', { level: 1 })).toContainText(customer);
    await hydrated(page);
    await page.keyboard.press('i');
    await expect(page.getByTestId('confirm-review')).toContainText('Ignore 1 mutation?');
    await page.keyboard.press('Escape');
    await expect(page.getByTestId('confirm-review')).toHaveCount(0);

    await page.getByRole('button', { name: 'Processed in the DMS' }).click();
    const confirm = page.getByTestId('confirm-review');
    await expect(confirm).toContainText('Mark 1 mutation as processed?');
    await confirm.getByRole('button', { name: 'Yes, process 1' }).click();
    // On to the next answer of the filtered list.
    await expect(page.getByRole('heading', { level: 1 })).not.toContainText(customer);

    await page.goto(`/staff/mutations?q=${customer}&run=${run}`);
    await expect(page.getByText('No mutations here')).toBeVisible();
    await page.getByTestId('tab-processed').click();
    await expect(page.getByTestId('mutations-table')).toContainText(customer);
    await expect(page.getByTestId('mutations-table').locator('[data-status="processed"]').first()).toBeVisible();
    await expect(page.getByTestId('mutations-table')).toContainText('Anna de Vries');

    // The export of what was just processed: one row per changed value.
    const csv = await (await page.request.get(`/staff/mutations/export.csv?status=processed&q=${customer}&run=${run}`)).text();
    const lines = csv.replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    expect(lines[0]).toBe('customer_no,field,dms_value,submitted_value,submitted_at,mutation_id');
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines.slice(1)) expect(line.startsWith(`${customer},`)).toBe(true);
    expect(errors).toEqual([]);
  });

  test('bulk ignore states the number before anything changes', async ({ page }, testInfo) => {
    test.skip(testInfo.project.name !== 'desktop', 'once, on desktop');
    const errors = consoleErrors(page);
    await signIn(page, admin);
    await page.goto('/staff/mutations');
    await hydrated(page);
    const before = await newCount(page);
    const rows = page.getByTestId('mutations-table').locator('tbody tr');
    const first = (await rows.nth(0).getAttribute('data-mutation'))!;
    const second = (await rows.nth(1).getAttribute('data-mutation'))!;
    await rows.nth(0).getByRole('checkbox').check();
    await rows.nth(1).getByRole('checkbox').check();
    await expect(page.getByTestId('bulk-bar')).toContainText('2 selected');
    await page.getByRole('button', { name: 'Ignore selected' }).click();
    const confirm = page.getByTestId('confirm-review');
    await expect(confirm).toContainText('Ignore 2 mutations?');
    await snap(page, testInfo, 'mutations-bulk-confirm', { fullPage: false });
    await confirm.getByRole('button', { name: 'Yes, ignore 2' }).click();
    await expect(page.getByTestId('review-done')).toContainText('2 mutation(s) changed.');
    await expect(page.locator(`tr[data-mutation="${first}"]`)).toHaveCount(0);
    await expect(page.locator(`tr[data-mutation="${second}"]`)).toHaveCount(0);
    expect(await newCount(page)).toBe(before - 2);
    await page.getByTestId('tab-ignored').click();
    await expect(page.locator(`tr[data-mutation="${first}"] [data-status="ignored"]`)).toBeVisible();
    expect(errors).toEqual([]);
  });

  test('the table and an answer read well and pass axe', async ({ page }, testInfo) => {
    const errors = consoleErrors(page);
    await signIn(page, admin);
    await page.goto('/staff/mutations');
    await hydrated(page);
    await expect(page.getByTestId('mutations-table')).toBeVisible();
    await snap(page, testInfo, 'mutations-table', { fullPage: false });
    await axe(page);
    // The organisation whose contact persons changed (a person added among them): the
    // demo seeds one among the organisations' answers.
    await page.goto('/staff/mutations?status=all&q=B.V.');
    const hrefs = await page.getByTestId('mutations-table').locator('tbody tr', { hasText: /\d+ changes?/ })
      .locator('td[data-label="Customer"] a').evaluateAll((as) => as.map((a) => a.getAttribute('href')!));
    let found = false;
    for (const href of hrefs) {
      await page.goto(href);
      if (await page.getByTestId('person-changes').count()) { found = true; break; }
    }
    expect(found).toBe(true);
    await hydrated(page);
    await expect(page.getByTestId('person-changes')).toContainText('Added person 1');
    await expect(page.getByTestId('preference-changes')).toContainText('Subscription: Newsletter');
    await snap(page, testInfo, 'mutation-organisation');
    await axe(page);
    expect(errors).toEqual([]);
  });
});
