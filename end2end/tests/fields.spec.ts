import { test, expect } from '@playwright/test';
import { admin, staff, hydrated, signIn, snap, consoleErrors } from './helpers';

test.describe('field catalogue', () => {
  test('an admin defines a custom attribute and sees what a type change would clear', async ({ page }, testInfo) => {
    const errors = consoleErrors(page);
    const key = `member_since_${testInfo.project.name}`;
    await signIn(page, admin);
    await page.goto('/staff/fields');
    await hydrated(page);
    await expect(page.getByTestId('fields')).toContainText('customer_no');
    await snap(page, testInfo, 'fields', { fullPage: false });

    // A mistake first: the message sits at the field, nothing is saved.
    const form = page.getByTestId('new-field-form');
    await form.getByLabel('Key').fill('Member Since');
    await form.getByLabel('Label in English').fill('Member since');
    await form.getByLabel('Label in Dutch').fill('Lid sinds');
    await form.getByLabel('Type').selectOption('date');
    await form.getByRole('button', { name: 'Add attribute' }).click();
    await expect(form.locator('.field-error')).toContainText('lower-case letters');

    await form.getByLabel('Key').fill(key);
    await form.getByRole('button', { name: 'Add attribute' }).click();
    const row = page.getByTestId('fields').locator(`tr[data-field="${key}"]`);
    await expect(row).toContainText('Member since');
    await expect(row).toContainText('Date');
    await expect(form.getByLabel('Key')).toHaveValue('');

    // Fuel type is a choice most demo contacts have a value for: making it a yes/no
    // field would clear them, and the editor says so before anything changes.
    const fuel = page.getByTestId('fields').locator('tr[data-field="fuel_type"]');
    await fuel.getByRole('button', { name: 'Edit' }).click();
    const editor = page.getByTestId('edit-field-fuel_type');
    await editor.getByLabel('Type').selectOption('yes_no');
    await editor.getByRole('button', { name: 'Save' }).click();
    const report = editor.getByTestId('change-report');
    await expect(report).toContainText('Change the type from Choice to Yes / no?');
    await expect(report).toContainText('will be cleared');
    await expect(editor.getByRole('button', { name: 'Confirm the change' })).toBeVisible();
    await snap(page, testInfo, 'field-change-report', { fullPage: false });
    await editor.getByRole('button', { name: 'Cancel' }).click();
    await expect(fuel).toContainText('Choice');
    // The deliberate mistake is answered with 422, which Chromium logs; nothing else.
    expect(errors.filter((e) => !e.includes('status of 422'))).toEqual([]);
  });

  test('staff read the catalogue but cannot change it', async ({ page }, testInfo) => {
    await signIn(page, staff);
    await page.goto('/staff/fields');
    await hydrated(page);
    await expect(page.getByTestId('fields')).toContainText('Fuel type');
    await expect(page.getByTestId('new-field-form')).toHaveCount(0);
    await expect(page.getByRole('button', { name: 'Edit' })).toHaveCount(0);
    await snap(page, testInfo, 'fields-read-only', { fullPage: false });
  });
});
