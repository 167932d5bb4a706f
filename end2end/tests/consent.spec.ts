import { test, expect } from '@playwright/test';
import { admin, axe, consoleErrors, demoLink, hydrated, signIn, snap } from './helpers';

// The lasting preferences page as a customer uses it on a phone (and a desktop), and
// the consent history staff then see. The links are the demo links the server prints.

function preferencesLink(index: number): { customerNo: string; path: string } {
  return demoLink('preferences', index);
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
  // Nothing sticks out sideways on a phone: the tables fold into cards.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
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

test('admins add a subscription type, and removing one in use asks first', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name === 'phone', 'an admin page, walked on the desktop');
  const errors = consoleErrors(page);
  await signIn(page, admin);
  await page.goto('/staff/admin/subscriptions');
  await hydrated(page);
  const add = page.getByTestId('subscription-add');
  await add.getByLabel('Key').fill('car_care_tips');
  await add.getByLabel('Name (Dutch)').fill('Onderhoudstips');
  await add.getByLabel('Name (English)').fill('Car care tips');
  await add.getByLabel('Description (English)').fill('Seasonal tips for your car.');
  await add.getByLabel('Order').fill('abc');
  await add.getByRole('button', { name: 'Add' }).click();
  await expect(add.locator('#position-error')).toContainText('whole number');
  await add.getByLabel('Order').fill('60');
  await add.getByRole('button', { name: 'Add' }).click();
  const row = page.locator('tr[data-key="car_care_tips"]');
  await expect(row).toContainText('Car care tips');
  await expect(add.getByLabel('Key')).toHaveValue('');

  // The newsletter has subscribers: the question says how many, and Cancel keeps it.
  await page.locator('tr[data-key="newsletter"]').getByRole('button', { name: 'Remove' }).click();
  const confirm = page.getByTestId('subscription-remove-confirm');
  await expect(confirm).toContainText(/\d+ contact\(s\) are subscribed/);
  await axe(page);
  await snap(page, testInfo, 'subscription-types');
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(confirm).toHaveCount(0);

  await row.getByRole('button', { name: 'Remove' }).click();
  await expect(confirm).toContainText('No one is subscribed');
  await confirm.getByRole('button', { name: 'Remove' }).click();
  await expect(row).toHaveCount(0);
  await expect(page.locator('tr[data-key="newsletter"]')).toBeVisible();
  // The refused order is a 422 the browser logs; nothing else may be.
  expect(errors.filter((e) => !e.includes('status of 422'))).toEqual([]);
});

test('a marketing run leaves out contacts who withdrew e-marketing consent', async ({ page }, testInfo) => {
  test.skip(testInfo.project.name === 'phone', 'the wizard is walked on the desktop');
  await signIn(page, admin);
  await page.goto('/staff/runs');
  await hydrated(page);
  await page.getByRole('link', { name: 'Winterbandenactie 2026 (aanbieding)' }).click();
  await expect(page).toHaveURL(/\/edit/);
  const url = new URL(page.url());
  await page.goto(`${url.pathname}?step=2`);
  await hydrated(page);
  await expect(page.getByTestId('r-marketing')).toBeChecked();
  await expect(page.getByTestId('withdrawn-note')).toContainText('left out');
  const left = Number((await page.getByTestId('reachable').innerText()).replace(/\D/g, ''));
  // Not marketing: they get the mail, and the note says so.
  await page.getByTestId('r-marketing').uncheck();
  await page.getByRole('button', { name: 'Save and count' }).click();
  await expect(page.getByTestId('withdrawn-note')).toContainText('not marketing');
  const all = Number((await page.getByTestId('reachable').innerText()).replace(/\D/g, ''));
  expect(all).toBeGreaterThan(left);
  await page.getByTestId('r-marketing').check();
  await page.getByRole('button', { name: 'Save and count' }).click();
  await expect(page.getByTestId('withdrawn-note')).toContainText('left out');
  await axe(page);
  await snap(page, testInfo, 'run-marketing-recipients');
});
