import { test, expect, type Page } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import * as fs from 'fs';
import { admin, consoleErrors, hydrated, signIn, snap } from './helpers';

// The lasting preferences page as a customer uses it on a phone (and a desktop), and
// the consent history staff then see. The links are the demo links the server prints.

function preferencesLink(index: number): { customerNo: string; path: string } {
  const log = fs.readFileSync(process.env.SERVER_LOG ?? '../target/e2e-server.log', 'utf8');
  const found = [...log.matchAll(/demo customer link \(([^,]+), preferences\): (\S+)/g)].map((m) => ({
    customerNo: m[1],
    path: new URL(m[2]).pathname,
  }));
  expect(found.length, 'demo preferences links').toBeGreaterThan(index);
  return found[index];
}

async function axe(page: Page) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`)).toEqual([]);
}

test('switch two subscriptions, unsubscribe from everything, and staff see it in the history', async ({ page }, testInfo) => {
  const errors = consoleErrors(page);
  const { customerNo, path } = preferencesLink(testInfo.project.name === 'phone' ? 1 : 0);
  await page.goto(path);
  await hydrated(page);
  await expect(page.getByTestId('prefs-open')).toBeVisible();
  await axe(page);
  await snap(page, testInfo, 'preferences');

  // Switch two subscriptions to the other state.
  const newsletter = page.locator('input[name="sub.newsletter"]');
  const surveys = page.locator('input[name="sub.surveys"]');
  const wasNewsletter = await newsletter.isChecked();
  const wasSurveys = await surveys.isChecked();
  await newsletter.setChecked(!wasNewsletter);
  await surveys.setChecked(!wasSurveys);
  await page.locator('input[name="consent"][value="given"]').check();
  await page.getByTestId('prefs-save').click();
  await expect(page.getByTestId('prefs-saved')).toBeVisible();
  await expect(page).toHaveURL(/saved=1/);
  await expect(newsletter).toBeChecked({ checked: !wasNewsletter });
  await expect(surveys).toBeChecked({ checked: !wasSurveys });
  await expect(page.locator('input[name="consent"][value="given"]')).toBeChecked();
  await axe(page);
  await snap(page, testInfo, 'preferences-saved');

  // Unsubscribe from everything.
  await hydrated(page);
  await page.getByTestId('prefs-unsubscribe-all').click();
  await expect(page).toHaveURL(/saved=all/);
  await expect(page.getByTestId('prefs-saved')).toBeVisible();
  await expect(page.locator('input[type="checkbox"]:checked')).toHaveCount(0);
  await expect(page.locator('input[name="consent"][value="withdrawn"]')).toBeChecked();
  await snap(page, testInfo, 'preferences-unsubscribed');
  expect(errors).toEqual([]);

  // Staff see the changes in the contact's history, with where they came from.
  await signIn(page, admin);
  await page.goto(`/staff/contacts?q=${customerNo}`);
  await hydrated(page);
  await page.locator('table a[href^="/staff/contacts/"]').first().click();
  await expect(page.getByTestId('contact-consent')).toBeVisible();
  const history = page.getByTestId('consent-history');
  await expect(history.locator('tr[data-source="preferences"]').first()).toBeVisible();
  // Two switched subscriptions and consent given, then everything off: at least five.
  expect(await history.locator('tr[data-source="preferences"]').count()).toBeGreaterThanOrEqual(5);
  await expect(page.getByTestId('contact-purposes').locator('tr[data-purpose="e_marketing"]')).toContainText('Withdrawn');
  await expect(page.getByTestId('contact-subscriptions').locator('.icon')).toHaveCount(0);
  await axe(page);
  await snap(page, testInfo, 'contact-consent');
});

test('a preferences link does not open the customer page, nor a made-up one anything', async ({ page }) => {
  const { path } = preferencesLink(0);
  const token = path.replace('/p/', '');
  const res = await page.goto(`/c/${token}`);
  expect(res?.status()).toBe(404);
  await expect(page.getByTestId('portal-invalid')).toBeVisible();
  const bogus = await page.goto('/p/AAAAthis-is-not-a-real-token');
  expect(bogus?.status()).toBe(404);
  await expect(page.getByTestId('portal-invalid')).toBeVisible();
});
