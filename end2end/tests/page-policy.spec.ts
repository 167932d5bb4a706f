import { test, expect, type Page, type Response } from '@playwright/test';
import { admin, consoleErrors, hydrated, signIn } from './helpers';

// Every page's Content-Security-Policy names the nonce its inline scripts carry, even when
// the browser leaves pages before they are done: a staff page's lazily loaded parts are
// still downloading, its document still streaming, while the next one is asked for. A
// page served without its nonce never hydrates. Two tabs at once, so the server
// interleaves their requests.

const pages = [
  '/staff/runs',
  '/staff/mutations',
  '/staff/contacts',
  '/staff/settings',
  '/staff/admin/companies',
  '/staff/admin/users',
  '/staff/fields',
  '/staff/runs/new',
  '/staff/admin/audit',
  '/staff/contacts/import',
];

/** The nonce in a policy's script-src, if any. */
function policyNonce(csp: string | undefined): string | undefined {
  return csp?.match(/'nonce-([^']+)'/)?.[1];
}

/** Follows every HTML document the tabs receive: the policies without a nonce, and the
 * nonces the others name. */
function watchDocuments(tabs: Page[]): { faults: string[]; nonces: string[] } {
  const seen = { faults: [] as string[], nonces: [] as string[] };
  for (const page of tabs) {
    page.on('response', (res: Response) => {
      if (res.request().resourceType() !== 'document' || res.status() !== 200) return;
      const csp = res.headers()['content-security-policy'];
      const nonce = policyNonce(csp);
      if (nonce) seen.nonces.push(nonce);
      else seen.faults.push(`${new URL(res.url()).pathname}: ${csp}`);
    });
  }
  return seen;
}

/** The nonces of the page's scripts (the property: Chromium empties the attribute). */
async function scriptNonces(page: Page): Promise<string[]> {
  return page.evaluate(() => [...document.querySelectorAll('script')].map((s) => s.nonce ?? '').filter((n) => n !== ''));
}

async function wander(page: Page, seed: number) {
  for (let i = 0; i < 24; i++) {
    const left = pages[(seed + i * 3) % pages.length];
    const next = pages[(seed + i * 7 + 1) % pages.length];
    // Leave as soon as the document starts to arrive: its parts are still on their way.
    await page.goto(left, { waitUntil: 'commit' });
    const res = await page.goto(next);
    const nonce = policyNonce(res?.headers()['content-security-policy']);
    expect(nonce, `${next}'s policy names a nonce`).toBeTruthy();
    if (i % 4 === 3) await hydrated(page);
    const scripts = await scriptNonces(page);
    expect(scripts.length, `${next} has nonced scripts`).toBeGreaterThan(0);
    expect(new Set(scripts), `${next}'s scripts carry its policy's nonce`).toEqual(new Set([nonce]));
  }
  await hydrated(page);
}

test('every page names its own nonce, also when left half-loaded', async ({ browser }, testInfo) => {
  test.skip(testInfo.project.name !== 'desktop', 'desktop only');
  test.setTimeout(180_000);
  const context = await browser.newContext();
  const first = await context.newPage();
  await signIn(first, admin);
  const second = await context.newPage();
  const { faults, nonces } = watchDocuments([first, second]);
  const errors = [first, second].map(consoleErrors);
  await Promise.all([wander(first, 0), wander(second, 5)]);
  expect(faults).toEqual([]);
  expect(errors.flat().filter((e) => e.includes('Content Security Policy'))).toEqual([]);
  // A nonce is used once.
  expect(new Set(nonces).size).toBe(nonces.length);
  await context.close();
});
