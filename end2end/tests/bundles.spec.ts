import { test, expect, type Page } from '@playwright/test';
import { admin, demoLink, hydrated, signIn } from './helpers';

// What a browser downloads: the customer pages hydrate their own small bundle and never
// load the staff app's; every bundle file is sent as it was compressed at build time,
// under a hashed name browsers keep for a year.

type Bundle = { js: string; wasm: string; split?: { dir: string; loader: string } };
type Manifest = { style: string; staff: Bundle; customer: Bundle; hashed: boolean };

/**
 * Bytes a phone may download for a customer page (wasm + JS + CSS, as sent): issue 14's
 * budget. Measured at 137,666 B (125,446 B of it wasm), from 298,373 B before the pages
 * stopped calling server functions and using AnyView.
 */
const CUSTOMER_BUDGET = 150_000;

/**
 * Bytes the staff app's first page may download (issue 14): the main module, its loader,
 * the parts of the page's group of pages (app/src/routes.rs) and the style sheet, as sent.
 */
const STAFF_FIRST_PAGE_BUDGET = 450_000;

/** Every path under `prefix` the page requests from now on. */
function requestsUnder(page: Page, prefix: string): string[] {
  const seen: string[] = [];
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith(prefix)) seen.push(path);
  });
  return seen;
}

/** What the files at these paths weigh as sent (brotli), each checked to be sent as it
 * was compressed at build time, under a name browsers keep for a year. */
async function sentBytes(request: import('@playwright/test').APIRequestContext, paths: string[]): Promise<number> {
  let sent = 0;
  for (const file of new Set(paths)) {
    const res = await request.get(file, { headers: { 'Accept-Encoding': 'br' } });
    expect(res.status(), file).toBe(200);
    expect(res.headers()['content-encoding'], file).toBe('br');
    expect(res.headers()['cache-control'], file).toBe('public, max-age=31536000, immutable');
    sent += Number(res.headers()['content-length']);
  }
  return sent;
}

test('customer pages load their own bundle within budget and never the staff app', async ({ page, request }) => {
  const manifest: Manifest = await (await request.get('/asset-manifest.json')).json();
  expect(manifest.hashed).toBe(true);
  const loaded = requestsUnder(page, '/pkg/');
  // The server decides what a customer page shows before rendering it: the page calls
  // no server function, neither to render nor to hydrate.
  const calls = requestsUnder(page, '/api/');
  for (const path of [demoLink('person', 0).path, demoLink('preferences', 0).path, '/c/not-a-link']) {
    await page.goto(path);
    await hydrated(page);
  }
  expect(calls).toEqual([]);
  expect(loaded).toContain(manifest.customer.wasm);
  expect(loaded).toContain(manifest.customer.js);
  expect(loaded).not.toContain(manifest.staff.wasm);
  expect(loaded).not.toContain(manifest.staff.js);

  const sent = await sentBytes(request, [manifest.customer.wasm, manifest.customer.js, manifest.style]);
  console.log(`customer page bundle as sent: ${sent} B (budget ${CUSTOMER_BUDGET} B)`);
  expect(sent).toBeLessThanOrEqual(CUSTOMER_BUDGET);
});

test('a staff page downloads the main module and its own part of the staff app, within budget', async ({ page, request }) => {
  const manifest: Manifest = await (await request.get('/asset-manifest.json')).json();
  const dir = manifest.staff.split!.dir;
  const loaded = requestsUnder(page, '/pkg/');
  await page.goto('/staff/login');
  await hydrated(page);
  expect(loaded).toContain(manifest.staff.wasm);
  expect(loaded).not.toContain(manifest.customer.wasm);
  const signInPage = await sentBytes(request, loaded);
  console.log(`staff sign-in page as sent: ${signInPage} B in ${new Set(loaded).size} files (budget ${STAFF_FIRST_PAGE_BUDGET} B)`);
  expect(signInPage).toBeLessThanOrEqual(STAFF_FIRST_PAGE_BUDGET);

  // The runs page after signing in, as a browser with nothing kept would load it.
  await signIn(page, admin);
  const fresh = await page.context().browser()!.newContext({ storageState: await page.context().storageState() });
  const runs = await fresh.newPage();
  const runsLoaded = requestsUnder(runs, '/pkg/');
  await runs.goto('/staff/runs');
  await hydrated(runs);
  await expect(runs.locator('main h1')).toHaveText('Data checks');
  const parts = runsLoaded.filter((p) => p.startsWith(`${dir}/`) && p.endsWith('.wasm') && p !== manifest.staff.wasm);
  expect(parts.length, 'the runs page loads its parts').toBeGreaterThan(0);
  const runsPage = await sentBytes(request, runsLoaded);
  console.log(`staff runs page as sent: ${runsPage} B in ${new Set(runsLoaded).size} files`);
  expect(runsPage).toBeLessThanOrEqual(STAFF_FIRST_PAGE_BUDGET);
  await fresh.close();
});
