import { test, expect } from '@playwright/test';
import { admin, hydrated, signIn, snap, consoleErrors } from './helpers';

test.describe('DMS API keys', () => {
  test('an admin creates a key, the DMS uses it, and revoking it shuts the door', async ({ page, request }, testInfo) => {
    const errors = consoleErrors(page);
    const name = `DMS ${testInfo.project.name} ${Date.now()}`;
    await signIn(page, admin);
    await page.goto('/staff/admin/api-keys');
    await hydrated(page);
    await page.getByLabel('Name').fill(name);
    await page.getByLabel('Autobedrijf Dekker Amersfoort').check();
    await page.getByRole('button', { name: 'Create key' }).click();
    const shown = page.getByTestId('new-api-key');
    await expect(shown).toContainText(name);
    const key = (await shown.locator('code').innerText()).trim();
    expect(key).toMatch(/^dck_[0-9a-f]{12}\.[A-Za-z0-9_-]{43}$/);
    await snap(page, testInfo, 'api-keys');

    // The DMS reads a contact of its company, and cannot see the other company.
    const ok = await request.get('/api/v1/contacts/1/A10000', { headers: { Authorization: `Bearer ${key}` } });
    expect(ok.status()).toBe(200);
    expect((await ok.json()).customer_no).toBe('A10000');
    const other = await request.get('/api/v1/contacts/2/U10000', { headers: { Authorization: `Bearer ${key}` } });
    expect(other.status()).toBe(404);

    // By text, not by role: on a phone the stacked table's rows are not table rows.
    const row = page.getByTestId('api-keys').locator('tr', { hasText: name });
    // By keyboard: on the phone layout a pointer click here kept being intercepted by
    // neighbouring sections (layout still moving after the key appears; under study).
    await row.getByRole('button', { name: 'Revoke' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: 'Revoke key' }).focus();
    await page.keyboard.press('Enter');
    await expect(row).toContainText('Revoked');
    const refused = await request.get('/api/v1/contacts/1/A10000', { headers: { Authorization: `Bearer ${key}` } });
    expect(refused.status()).toBe(401);

    const doc = await request.get('/api/v1/openapi.json');
    expect((await doc.json()).info.title).toBe('Datacheck DMS API');
    expect(errors).toEqual([]);
  });
});
