import { test, expect } from '@playwright/test';
import { axe, consoleErrors, demoLink, hydrated, snap } from './helpers';

// The customer page as a customer uses it: on a phone and a desktop, with and without
// JavaScript. The links are the demo links the server prints at start-up.

/** A link of this kind; the phone and desktop projects each get their own. */
function link(kind: string, index: number): string {
  return demoLink(kind, index).path;
}

function projectIndex(name: string): number {
  return name === 'phone' ? 1 : 0;
}

test.describe('customer page', () => {
  test('change e-mail and phone, add a contact person, withdraw consent, review and confirm', async ({ page }, testInfo) => {
    const errors = consoleErrors(page);
    const path = link('organisation', projectIndex(testInfo.project.name));
    await page.goto(`${path}?edit=1`);
    await hydrated(page);
    await expect(page.getByTestId('portal-open')).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', /nl|en/);
    const en = (await page.locator('html').getAttribute('lang')) === 'en';
    await axe(page);
    await snap(page, testInfo, 'portal-form');

    const email = page.locator('input[name="f.email"]');
    const before = await email.inputValue();
    // Typing a wrong address shows the message next to the field, in the page's language.
    await email.fill('nieuw@@voorbeeld');
    await email.blur();
    await expect(page.locator('#f-email-err')).not.toBeEmpty();
    await expect(email).toHaveAttribute('aria-invalid', 'true');
    await email.fill(`nieuw.${testInfo.project.name}@voorbeeld.nl`);
    await expect(page.locator('#f-email-err')).toBeEmpty();
    await expect(email).toBeFocused();
    // The register's number, when there is one, reads the way people here write it, not
    // in E.164 (the review below checks a typed one on every project).
    const registered = await page.locator('input[name="f.phone"]').inputValue();
    if (registered !== '') expect(registered).toMatch(/^0[1-9][0-9 ]+$/);
    await page.locator('input[name="f.phone"]').fill('06 11223344');

    const newPerson = page.locator('details[data-person="n0"]');
    await newPerson.locator('summary').click();
    await newPerson.locator('input[name="n0.first_name"]').fill('Anna');
    await newPerson.locator('input[name="n0.last_name"]').fill('de Vries');
    await newPerson.locator('input[name="n0.email"]').fill('anna@voorbeeld.nl');
    // Consent changes: withdrawn, or given again where it was withdrawn before (by the
    // demo seed or an earlier test), so the review always has a consent line.
    const wasWithdrawn = await page.locator('input[name="consent"][value="withdrawn"]').isChecked();
    await page.locator(`input[name="consent"][value="${wasWithdrawn ? 'given' : 'withdrawn'}"]`).check();

    await page.getByTestId('portal-review').click();
    await expect(page.getByTestId('portal-review-step')).toBeVisible();
    const changes = page.getByTestId('portal-changes');
    await expect(changes).toContainText(before);
    await expect(changes).toContainText(`nieuw.${testInfo.project.name}@voorbeeld.nl`);
    await expect(changes).toContainText('06 11223344');
    await expect(changes).not.toContainText('+31');
    await expect(changes).toContainText('Anna');
    const consentNow = wasWithdrawn ? (en ? 'Consent given' : 'Toestemming gegeven') : (en ? 'Consent withdrawn' : 'Geen toestemming');
    await expect(changes).toContainText(consentNow);
    await axe(page);
    await snap(page, testInfo, 'portal-review');

    await page.getByTestId('portal-confirm').click();
    await expect(page.getByTestId('portal-done')).toBeVisible();
    // What was saved, as the mutation records it: the DMS value and the new one.
    const sent = page.getByTestId('portal-changes');
    await expect(sent).toContainText(before);
    await expect(sent).toContainText(`nieuw.${testInfo.project.name}@voorbeeld.nl`);
    await axe(page);
    await snap(page, testInfo, 'portal-done');
    expect(errors).toEqual([]);
  });

  test('the same answer works without JavaScript', async ({ browser }, testInfo) => {
    const context = await browser.newContext({ javaScriptEnabled: false, ...testInfo.project.use });
    const page = await context.newPage();
    const path = link('person', projectIndex(testInfo.project.name));
    await page.goto(`${path}?edit=1&lang=en`);
    await expect(page.getByTestId('portal-open')).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    // A mistake comes back from the server with its message, and what was typed stays.
    await page.locator('input[name="f.phone"]').fill('12');
    await page.getByTestId('portal-review').click();
    await expect(page.getByTestId('portal-problems')).toBeVisible();
    await expect(page.locator('#f-phone-err')).toContainText('8 to 15 digits');
    await expect(page.locator('input[name="f.phone"]')).toHaveValue('12');
    await page.locator('input[name="f.phone"]').fill('+32 470 12 34 56');
    await page.getByTestId('portal-review').click();
    // A foreign number reads internationally.
    await expect(page.getByTestId('portal-changes')).toContainText('+32 470 12 34 56');
    await snap(page, testInfo, 'portal-review-nojs');
    await page.getByTestId('portal-confirm').click();
    await expect(page.getByTestId('portal-done')).toBeVisible();
    await expect(page.getByTestId('portal-changes')).toContainText('+32 470 12 34 56');
    await context.close();
  });

  test('everything is correct is one click', async ({ page }) => {
    const path = link('answered', 0);
    await page.goto(`${path}?edit=1`);
    await hydrated(page);
    await page.getByTestId('portal-all-correct').click();
    await expect(page.getByTestId('portal-done')).toBeVisible();
    await expect(page.getByTestId('portal-done')).toContainText(/bevestigd dat uw gegevens kloppen|confirmed that your details are correct/);
  });

  test('an expired link offers a fresh one, sent to the address on file', async ({ page }, testInfo) => {
    const path = link('expired', 0);
    const res = await page.goto(path);
    expect(res?.status()).toBe(410);
    await expect(page.getByTestId('portal-expired')).toBeVisible();
    await axe(page);
    await snap(page, testInfo, 'portal-expired');
    await page.getByTestId('portal-fresh').click();
    await expect(page.getByTestId('portal-fresh-sent').or(page.getByTestId('portal-fresh-too-soon'))).toBeVisible();
    await axe(page);
    await snap(page, testInfo, 'portal-fresh-sent');
  });

  test('an invalid link says so and nothing more', async ({ page }, testInfo) => {
    const res = await page.goto('/c/AAAAthis-is-not-a-real-token');
    expect(res?.status()).toBe(404);
    await expect(page.getByTestId('portal-invalid')).toBeVisible();
    await axe(page);
    await snap(page, testInfo, 'portal-invalid');
  });

  test('a form changed to reach a field the link does not offer is refused', async ({ page }, testInfo) => {
    const path = link('answered', 0);
    await page.goto(`${path}?edit=1`);
    await hydrated(page);
    // What a curious customer could do in the browser's developer tools.
    await page.locator('input[name="f.email"]').evaluate((el) => el.setAttribute('name', 'f.customer_no'));
    await page.getByTestId('portal-review').click();
    await expect(page.getByTestId('portal-refused')).toBeVisible();
    await axe(page);
    await snap(page, testInfo, 'portal-refused');
  });

  test('switching the language keeps what was typed', async ({ page }, testInfo) => {
    const path = link('organisation', projectIndex(testInfo.project.name));
    await page.goto(`${path}?edit=1&lang=nl`);
    await hydrated(page);
    await page.locator('input[name="f.phone"]').fill('06 99887766');
    await page.getByRole('button', { name: 'English' }).click();
    await expect(page.locator('html')).toHaveAttribute('lang', 'en');
    await expect(page.getByTestId('portal-review')).toHaveText('Review changes');
    await expect(page.locator('input[name="f.phone"]')).toHaveValue('06 99887766');
  });
});
