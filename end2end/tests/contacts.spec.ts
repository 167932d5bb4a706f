import { test, expect } from '@playwright/test';
import { admin, staff, hydrated, signIn, snap, consoleErrors } from './helpers';

test.describe('contact register', () => {
  test('staff filter the contacts, sort, page, and open a contact', async ({ page }, testInfo) => {
    const errors = consoleErrors(page);
    await signIn(page, admin);
    await page.goto('/staff/contacts');
    await hydrated(page);
    // 327 demo contacts, plus any the import test added.
    await expect(page.getByTestId('contact-counts')).toContainText(/^3[2-9]\d contacts match/);
    await expect(page.getByTestId('pager-count')).toContainText(/^50 shown of 3[2-9]\d contacts/);
    await snap(page, testInfo, 'contacts-list', { fullPage: false });

    // The next page, then back: keyset cursors in the URL.
    await page.getByRole('link', { name: 'Next →' }).click();
    await expect(page).toHaveURL(/after=/);
    await expect(page.getByRole('link', { name: '← Previous' })).toBeVisible();
    await page.getByRole('link', { name: '← Previous' }).click();
    await expect(page).toHaveURL(/before=/);
    await expect(page.getByTestId('pager-count')).toContainText(/^50 shown of 3[2-9]\d contacts/);

    // Filters land in the URL, so the view can be bookmarked.
    await page.getByLabel('Kind').selectOption('organisation');
    await page.getByLabel('City').fill('Amersfoort');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page).toHaveURL(/kind=organisation/);
    await expect(page).toHaveURL(/city=Amersfoort/);
    await expect(page.getByTestId('contacts')).toHaveAttribute('data-query', /city=Amersfoort/);
    const rows = page.getByTestId('contacts').locator('tbody tr');
    await expect(rows.first()).toBeVisible();
    for (const text of await rows.allInnerTexts()) {
      expect(text).toContain('Organisation');
      expect(text).toContain('Amersfoort');
    }

    // Sorting by customer number, then reversed: by the column header on a desktop, by
    // the sort menu on a phone (where the table has no header row).
    const sortBy = async (value: string, header: boolean) => {
      if (header && testInfo.project.name === 'desktop') {
        await page.getByRole('link', { name: /Customer no\./ }).click();
      } else {
        await page.getByLabel('Sort by').selectOption(value);
        await page.getByRole('button', { name: 'Apply' }).click();
      }
      await expect(page).toHaveURL(new RegExp(`sort=${value}`));
      // The rows answer the new URL (the old ones stay while the next page loads).
      await expect(page.getByTestId('contacts')).toHaveAttribute('data-query', new RegExp(`sort=${value}`));
    };
    const customerNos = () => page.getByTestId('contacts').locator('tbody tr td:first-child code').allInnerTexts();
    await sortBy('customer_no', true);
    const ascending = await customerNos();
    expect(ascending.length).toBeGreaterThan(1);
    expect([...ascending].sort()).toEqual(ascending);
    await sortBy('-customer_no', true);
    await expect(page.getByLabel('Sort by')).toHaveValue('-customer_no');
    const descending = await customerNos();
    expect([...ascending].reverse()).toEqual(descending);

    // Free text finds one contact by its customer number; open it.
    await page.goto('/staff/contacts?q=A10007');
    await hydrated(page);
    await expect(page.getByTestId('contact-counts')).toContainText('1 contacts match');
    await page.getByTestId('contacts').locator('tbody a').first().click();
    await expect(page).toHaveURL(/\/staff\/contacts\/\d+$/);
    await expect(page.getByTestId('contact-fields')).toContainText('A10007');
    await expect(page.getByTestId('contact-attributes')).toBeVisible();
    await snap(page, testInfo, 'contact-detail');
    await page.getByTestId('contact-persons').or(page.getByText('No contact persons.')).first().scrollIntoViewIfNeeded();
    expect(errors).toEqual([]);
  });

  test('an organisation shows its contact persons and their notifications', async ({ page }, testInfo) => {
    await signIn(page, staff);
    // A demo organisation (the import test adds some without contact persons).
    await page.goto('/staff/contacts?kind=organisation&city=Amersfoort');
    await hydrated(page);
    await page.getByTestId('contacts').locator('tbody a').first().click();
    const persons = page.getByTestId('contact-persons');
    await expect(persons).toBeVisible();
    await expect(persons).toContainText(/tickets|No notifications/);
    await snap(page, testInfo, 'contact-organisation');
  });

  test('a fleet manager and their drivers link to each other', async ({ page }, testInfo) => {
    await signIn(page, staff);
    await page.goto('/staff/contacts?q=A90011');
    await hydrated(page);
    await page.getByTestId('contacts').locator('tbody a').first().click();
    const card = page.getByTestId('data-manager');
    await expect(page.getByTestId('managed-by')).toContainText('Managed by Ruud Jansen');
    await card.getByRole('link', { name: 'Ruud Jansen' }).click();
    await expect(page.getByRole('heading', { name: 'Ruud Jansen', level: 1 })).toBeVisible();
    const manages = page.getByTestId('manages');
    await expect(card).toContainText('Manages (6)');
    await expect(manages.getByRole('link')).toHaveCount(6);
    await expect(manages).toContainText('Kees Brouwer');
    await expect(manages).toContainText('Jansen Transport B.V.');
    await card.scrollIntoViewIfNeeded();
    await snap(page, testInfo, 'contact-data-manager', { fullPage: false });
    await manages.getByRole('link', { name: 'Tomasz Nowak' }).click();
    await expect(page.getByTestId('managed-by')).toContainText('Ruud Jansen');
  });

  test('a contact of another company is not found for a scoped staff user', async ({ page }) => {
    await signIn(page, admin);
    await page.goto('/staff/contacts?q=U10000');
    await hydrated(page);
    await page.getByTestId('contacts').locator('tbody a').first().click();
    await expect(page).toHaveURL(/\/staff\/contacts\/\d+$/);
    const other = page.url();
    await page.context().clearCookies();
    await signIn(page, staff);
    await page.goto(other);
    await expect(page.getByRole('heading', { name: 'Contact not found' })).toBeVisible();
  });
});
