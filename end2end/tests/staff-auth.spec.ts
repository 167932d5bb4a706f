import { test, expect } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import { admin, staff, hydrated, signIn, snap, openNav, consoleErrors } from './helpers';

test.describe('staff sign-in', () => {
  test('admin signs in, sees the shell, and signs out', async ({ page }, testInfo) => {
    const errors = consoleErrors(page);
    await page.goto('/staff/login');
    await hydrated(page);
    await snap(page, testInfo, 'sign-in');
    await signIn(page, admin);

    await expect(page.getByRole('heading', { name: 'Data checks', level: 1 })).toBeVisible();
    await openNav(page);
    const nav = page.getByRole('navigation', { name: 'Main' });
    for (const item of ['Data checks', 'Mutations', 'Contacts', 'Fields', 'Settings']) {
      await expect(nav.getByRole('link', { name: item })).toBeVisible();
    }
    await expect(page.getByTestId('user-box')).toContainText('Anna de Vries');
    await snap(page, testInfo, 'runs-empty');

    // Contacts are counted for both companies: an admin sees every company.
    await nav.getByRole('link', { name: 'Contacts' }).click();
    // An admin sees the contacts of every company.
    // (327 demo contacts; the import test may have added a few to the first company.)
    await expect(page.getByTestId('contact-counts')).toContainText(/^3[2-9]\d contacts match/);
    await snap(page, testInfo, 'contacts');

    await openNav(page);
    await nav.getByRole('link', { name: 'Settings' }).click();
    await expect(page.getByRole('link', { name: /Staff users/ })).toBeVisible();
    await page.getByRole('link', { name: /Staff users/ }).click();
    await expect(page.getByTestId('staff-users')).toContainText('Sven Jansen');
    await expect(page.getByTestId('staff-users')).toContainText('Disabled');
    await snap(page, testInfo, 'admin-users');

    await openNav(page);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/staff\/login\?signed_out=1$/);
    await expect(page.getByText('You are signed out.')).toBeVisible();

    // The session is gone: a staff page sends us back to sign in.
    await page.goto('/staff/runs');
    await expect(page).toHaveURL(/\/staff\/login\?next=%2Fstaff%2Fruns$/);
    expect(errors, errors.join('\n')).toEqual([]);
  });

  test('a wrong password shows an error and keeps the address', async ({ page }, testInfo) => {
    await page.goto('/staff/login');
    await hydrated(page);
    await page.getByLabel('E-mail address').fill(admin.email);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('alert')).toContainText('do not match an active account');
    await expect(page).toHaveURL(/\/staff\/login/);
    await expect(page.getByLabel('E-mail address')).toHaveValue(admin.email);
    await snap(page, testInfo, 'sign-in-error');
  });

  test('a staff user scoped to one company cannot open the admin pages', async ({ page }, testInfo) => {
    await signIn(page, staff);
    await expect(page.getByTestId('user-box')).toContainText('Sven Jansen');

    await page.goto('/staff/contacts');
    await hydrated(page);
    // Only the contacts of their one company (187 of the demo's 327, plus any the
    // import test added there).
    await expect(page.getByTestId('contact-counts')).toContainText(/^1[89]\d contacts match/);
    await expect(page.getByTestId('contacts')).not.toContainText('Dekker Lease & Service Utrecht');

    for (const path of ['/staff/admin/users', '/staff/admin/companies', '/staff/admin/audit']) {
      const response = await page.goto(path);
      expect(response?.status()).toBe(403);
      await expect(page.getByTestId('no-access')).toBeVisible();
      await expect(page.getByTestId('staff-users')).toHaveCount(0);
    }
    await snap(page, testInfo, 'no-access');

    await page.goto('/staff/settings');
    await hydrated(page);
    await expect(page.getByRole('heading', { name: 'Change your password' })).toBeVisible();
    await expect(page.getByRole('link', { name: /Staff users/ })).toHaveCount(0);
  });

  test('a deep link survives signing in', async ({ page }) => {
    await page.goto('/staff/contacts');
    await expect(page).toHaveURL(/\/staff\/login\?next=%2Fstaff%2Fcontacts$/);
    await hydrated(page);
    await page.getByLabel('E-mail address').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/staff\/contacts$/);
  });

  test('sign-in works without JavaScript', async ({ browser }) => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    await page.goto('/staff/login');
    await page.getByLabel('E-mail address').fill(admin.email);
    await page.getByLabel('Password').fill(admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/staff\/runs$/);
    await expect(page.getByRole('heading', { name: 'Data checks', level: 1 })).toBeVisible();
    await context.close();
  });

  test('sign-in page and shell have no serious accessibility problems', async ({ page }) => {
    await page.goto('/staff/login');
    await hydrated(page);
    const login = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze();
    expect(login.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
    await signIn(page, admin);
    const shell = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21aa']).analyze();
    expect(shell.violations.map((v) => `${v.id}: ${v.help}`)).toEqual([]);
  });
});

test.describe('staff administration', () => {
  test('admin invites a user, who must choose a password on first sign-in', async ({ page }, testInfo) => {
    const email = `new.${testInfo.project.name}@datacheck.test`;
    await signIn(page, admin);
    await page.goto('/staff/admin/users');
    await hydrated(page);
    await page.getByLabel('Name').fill('Noor Visser');
    await page.getByLabel('E-mail address').fill(email);
    await page.getByLabel('Role').selectOption('staff');
    await page.getByLabel('Dekker Lease & Service Utrecht').first().check();
    await page.getByRole('button', { name: 'Invite' }).click();
    const notice = page.getByTestId('temporary-password');
    await expect(notice).toContainText(email);
    const temp = (await notice.locator('code').textContent())?.trim() ?? '';
    expect(temp).toHaveLength(16);
    await expect(page.getByTestId('staff-users')).toContainText('Noor Visser');
    await snap(page, testInfo, 'admin-invited');

    // A second invitation for the same address is refused at the field.
    await page.getByLabel('Name').fill('Noor Again');
    await page.getByLabel('E-mail address').fill(email);
    await page.getByRole('button', { name: 'Invite' }).click();
    await expect(page.getByText('already exists')).toBeVisible();

    await openNav(page);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/signed_out=1/);

    await hydrated(page);
    await page.getByLabel('E-mail address').fill(email);
    await page.getByLabel('Password').fill(temp);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/staff\/password$/);
    await hydrated(page);
    await page.getByLabel('Current password').fill(temp);
    await page.getByLabel('New password', { exact: true }).fill('short');
    await page.getByLabel('Repeat the new password').fill('short');
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await expect(page.getByText('Use at least 10 characters.')).toBeVisible();
    await snap(page, testInfo, 'choose-password-error');
    await page.getByLabel('New password', { exact: true }).fill('my own long password');
    await page.getByLabel('Repeat the new password').fill('my own long password');
    await page.getByRole('button', { name: 'Save and continue' }).click();
    await expect(page).toHaveURL(/\/staff\/runs$/);
    await expect(page.getByTestId('user-box')).toContainText('Noor Visser');
  });

  test('admin adds and renames a company, and the audit log records it', async ({ page }, testInfo) => {
    const name = `Dekker Occasions ${testInfo.project.name}`;
    await signIn(page, admin);
    await page.goto('/staff/admin/companies');
    await hydrated(page);
    await page.getByLabel('Name').fill(name);
    await page.getByRole('button', { name: 'Add company' }).click();
    const row = page.getByTestId('companies').getByRole('row', { name: new RegExp(name) });
    await expect(row).toBeVisible();
    // The add form starts empty for the next company.
    await expect(page.getByLabel('Name', { exact: true })).toHaveValue('');
    await row.getByRole('button', { name: 'Rename' }).click();
    await page.getByLabel('New name').fill(`${name} Zeist`);
    await page.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByTestId('companies')).toContainText(`${name} Zeist`);
    await snap(page, testInfo, 'admin-companies');

    await page.goto('/staff/admin/audit');
    await hydrated(page);
    await expect(page.getByTestId('audit-log')).toContainText('company.renamed');
    await expect(page.getByTestId('audit-log')).toContainText('company.created');
    await snap(page, testInfo, 'admin-audit');
  });
});
