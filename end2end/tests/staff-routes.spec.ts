import { test, expect, type Page } from '@playwright/test';
import { admin, consoleErrors, hydrated, openNav, signIn } from './helpers';

// Every staff page is a lazily loaded part of the staff bundle (app/src/routes.rs): it
// must work when it is the first page a browser loads (the server renders it and the
// browser hydrates it once its part has arrived) and when the router reaches it from
// another page (the part loads then). Desktop only: the pages are the same on a phone,
// and other tests look at them there.

type Route = {
  /** The page a link to this route is on. */
  from: string;
  /** The link's address, or how to find the first such link on `from`. */
  href: string | RegExp;
  heading: string | RegExp;
};

const routes: Route[] = [
  { from: '/staff/mutations', href: '/staff/runs', heading: 'Data checks' },
  { from: '/staff/runs', href: /^\/staff\/runs\/\d+$/, heading: /.+/ },
  { from: '/staff/runs', href: /^\/staff\/runs\/\d+\/edit$/, heading: /.+/ },
  { from: '/staff/runs', href: '/staff/runs/new', heading: 'New data check' },
  { from: '/staff/runs', href: '/staff/mutations', heading: 'Mutations' },
  { from: '/staff/mutations', href: /^\/staff\/mutations\/\d+$/, heading: /·/ },
  { from: '/staff/runs', href: '/staff/contacts', heading: 'Contacts' },
  { from: '/staff/contacts', href: /^\/staff\/contacts\/\d+$/, heading: /.+/ },
  { from: '/staff/contacts', href: '/staff/contacts/import', heading: 'Import contacts' },
  { from: '/staff/contacts/import', href: /^\/staff\/contacts\/import\/\d+$/, heading: /\.csv$/ },
  { from: '/staff/runs', href: '/staff/fields', heading: 'Fields' },
  { from: '/staff/runs', href: '/staff/settings', heading: 'Settings' },
  { from: '/staff/settings', href: '/staff/admin/users', heading: 'Staff users' },
  { from: '/staff/settings', href: '/staff/admin/companies', heading: 'Companies' },
  { from: '/staff/settings', href: '/staff/admin/audit', heading: 'Audit log' },
  { from: '/staff/settings', href: '/staff/admin/api-keys', heading: 'API keys' },
  { from: '/staff/settings', href: '/staff/admin/subscriptions', heading: 'Subscription types' },
  { from: '/staff/runs', href: '/staff/dev/mailbox', heading: 'Dev mailbox' },
  { from: '/staff/dev/mailbox', href: /^\/staff\/dev\/mailbox\/\d+$/, heading: /.+/ },
];

/** The first link on the current page whose address is `href` (or matches it). */
async function linkTo(page: Page, href: string | RegExp): Promise<string> {
  if (typeof href === 'string') return href;
  const all = await page.locator('a[href]').evaluateAll((links) => links.map((a) => a.getAttribute('href') ?? ''));
  const found = all.find((h) => href.test(h));
  expect(found, `a link matching ${href} on ${page.url()}`).toBeTruthy();
  return found!;
}

async function shows(page: Page, path: string, heading: string | RegExp) {
  await expect(page).toHaveURL((url) => url.pathname === path);
  await expect(page.locator('main h1').first()).toHaveText(heading);
}

test.describe('every staff page', () => {
  test('works when loaded directly and when reached by a link', async ({ page }, testInfo) => {
    test.skip(testInfo.project.name !== 'desktop', 'desktop only');
    test.setTimeout(120_000);
    const errors = consoleErrors(page);
    await signIn(page, admin);

    // The addresses, with the demo data's ids filled in.
    const paths: string[] = [];
    for (const r of routes) {
      await page.goto(r.from);
      await hydrated(page);
      paths.push(await linkTo(page, r.href));
    }

    for (const [i, r] of routes.entries()) {
      await page.goto(paths[i]);
      await hydrated(page);
      await shows(page, paths[i], r.heading);
    }

    for (const [i, r] of routes.entries()) {
      await page.goto(r.from);
      await hydrated(page);
      // A full page load would lose this: the router must reach the page itself.
      await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
      await openNav(page);
      await page.locator(`a[href="${paths[i]}"]:visible`).first().click();
      await shows(page, paths[i], r.heading);
      expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument), paths[i]).toBe(true);
    }
    // The dev mailbox shows a mail's HTML in a frame sandboxed without scripts, on
    // purpose; Chromium reports that as blocked.
    expect(errors.filter((e) => !e.includes("the document's frame is sandboxed"))).toEqual([]);
  });

  test('sign-in is reached from the start page and works as the first page', async ({ page }, testInfo) => {
    test.skip(testInfo.project.name !== 'desktop', 'desktop only');
    const errors = consoleErrors(page);
    await page.goto('/');
    await hydrated(page);
    await page.getByRole('link', { name: 'Staff sign-in' }).click();
    await expect(page.locator('main h1')).toHaveText('Sign in');
    await page.goto('/staff/login');
    await hydrated(page);
    await expect(page.locator('main h1')).toHaveText('Sign in');
    expect(errors).toEqual([]);
  });
});
