import { test, expect } from '@playwright/test';
import * as path from 'path';
import { staff, hydrated, signIn, snap, consoleErrors } from './helpers';

const messy = path.join(__dirname, '..', 'fixtures', 'contacts-messy.csv');

test.describe('CSV import', () => {
  test('staff upload a messy DMS export, read the check, import, and find a contact', async ({ page }, testInfo) => {
    const errors = consoleErrors(page);
    await signIn(page, staff);
    await page.goto('/staff/contacts/import');
    await hydrated(page);
    await snap(page, testInfo, 'import-upload', { fullPage: false });
    await page.getByLabel('CSV file').setInputFiles(messy);
    await page.getByRole('button', { name: 'Upload and map columns' }).click();
    await expect(page).toHaveURL(/\/staff\/contacts\/import\/\d+$/);
    await hydrated(page);

    // The columns were recognised from their Dutch headers.
    await expect(page.getByLabel('Klantnr.')).toHaveValue('customer_no');
    await expect(page.getByLabel('E-mailadres')).toHaveValue('email');
    await expect(page.getByLabel('Brandstof')).toHaveValue('fuel_type');
    await expect(page.getByLabel('Opmerking')).toHaveValue('');
    await expect(page.getByRole('heading', { level: 1 })).toContainText('contacts-messy.csv');
    await expect(page.locator('.page-description')).toContainText('mixed: 3 fields read as Windows-1252');

    await page.getByRole('button', { name: 'Check all rows' }).click();
    const report = page.getByTestId('import-report');
    await expect(report).toBeVisible();
    await expect(report.locator('.stat-bad .stat-value')).toHaveText('6');
    const problems = page.getByTestId('import-problems');
    await expect(problems).toContainText('els.visser@example');
    await expect(problems).toContainText('also on line 8');
    await expect(problems).toContainText('Choose one of: Benzine, Diesel, Elektrisch, Hybride.');
    await snap(page, testInfo, 'import-report');

    // Changing a column makes the check stale: the import waits for a new check.
    await page.getByLabel('Opmerking').selectOption('salutation');
    await expect(page.getByRole('button', { name: /^Import \d+ contacts$/ })).toBeDisabled();
    await page.getByLabel('Opmerking').selectOption('');
    await page.getByRole('button', { name: 'Check all rows' }).click();
    await expect(page.getByRole('button', { name: 'Import 5 contacts' })).toBeEnabled();
    await page.getByRole('button', { name: 'Import 5 contacts' }).click();

    const summary = page.getByTestId('import-summary');
    await expect(summary).toBeVisible({ timeout: 20_000 });
    await expect(summary).toContainText('rejected rows');
    await snap(page, testInfo, 'import-done');

    // The imported organisation is in the register, with its Windows-1252 neighbour.
    await page.goto('/staff/contacts?q=N20003');
    await hydrated(page);
    await page.getByTestId('contacts').locator('tbody a').first().click();
    await expect(page.getByTestId('contact-fields')).toContainText('Bakkerij & Café De Korenschoof B.V.');
    await page.goto('/staff/contacts?q=N20002');
    await hydrated(page);
    await expect(page.getByTestId('contacts')).toContainText('Zoë Müller-Lüdenscheidt');
    expect(errors).toEqual([]);
  });

  test('a file that is not CSV is refused at upload with a message', async ({ page }) => {
    await signIn(page, staff);
    await page.goto('/staff/contacts/import');
    await hydrated(page);
    await page.getByLabel('CSV file').setInputFiles({ name: 'empty.csv', mimeType: 'text/csv', buffer: Buffer.from('Klantnummer;Naam\r\n') });
    await page.getByRole('button', { name: 'Upload and map columns' }).click();
    await expect(page.getByTestId('upload-error')).toContainText('no rows');
  });
});
