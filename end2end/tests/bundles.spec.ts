import { test, expect, type Page } from '@playwright/test';
import { demoLink, hydrated } from './helpers';

// What a browser downloads: the customer pages hydrate their own small bundle and never
// load the staff app's; every bundle file is sent as it was compressed at build time,
// under a hashed name browsers keep for a year.

type Bundle = { js: string; wasm: string };
type Manifest = { style: string; staff: Bundle; customer: Bundle; hashed: boolean };

/**
 * Bytes a phone may download for a customer page (wasm + JS + CSS, as sent): issue 14's
 * budget. Measured at 137,666 B (125,446 B of it wasm), from 298,373 B before the pages
 * stopped calling server functions and using AnyView.
 */
const CUSTOMER_BUDGET = 150_000;

/** Every path under `prefix` the page requests from now on. */
function requestsUnder(page: Page, prefix: string): string[] {
  const seen: string[] = [];
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith(prefix)) seen.push(path);
  });
  return seen;
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

  let sent = 0;
  for (const file of [manifest.customer.wasm, manifest.customer.js, manifest.style]) {
    const res = await request.get(file, { headers: { 'Accept-Encoding': 'br' } });
    expect(res.status(), file).toBe(200);
    expect(res.headers()['content-encoding'], file).toBe('br');
    expect(res.headers()['cache-control'], file).toBe('public, max-age=31536000, immutable');
    sent += Number(res.headers()['content-length']);
  }
  console.log(`customer page bundle as sent: ${sent} B (budget ${CUSTOMER_BUDGET} B)`);
  expect(sent).toBeLessThanOrEqual(CUSTOMER_BUDGET);
});

test('the staff app still hydrates with its own bundle', async ({ page, request }) => {
  const manifest: Manifest = await (await request.get('/asset-manifest.json')).json();
  const loaded = requestsUnder(page, '/pkg/');
  await page.goto('/staff/login');
  await hydrated(page);
  expect(loaded).toContain(manifest.staff.wasm);
  expect(loaded).not.toContain(manifest.customer.wasm);
});
