import { test, expect, type Page } from '@playwright/test';
import { demoLink, hydrated } from './helpers';

// What a browser downloads: the customer pages hydrate their own small bundle and never
// load the staff app's; every bundle file is sent as it was compressed at build time,
// under a hashed name browsers keep for a year.

type Bundle = { js: string; wasm: string };
type Manifest = { style: string; staff: Bundle; customer: Bundle; hashed: boolean };

/**
 * Bytes a phone may download for a customer page (wasm + JS + CSS, as sent). A ratchet
 * at what the bundle weighs now (298,373 B measured: 285,400 B of wasm, a fifth of the
 * staff app's): it may shrink, never grow. Issue 14 asks for 150,000 B; that trim is
 * still to come, and this number comes down with it.
 */
const CUSTOMER_BUDGET = 305_000;

/** Every /pkg/ file the page requests from now on. */
function pkgRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.startsWith('/pkg/')) seen.push(path);
  });
  return seen;
}

test('customer pages load their own bundle within budget and never the staff app', async ({ page, request }) => {
  const manifest: Manifest = await (await request.get('/asset-manifest.json')).json();
  expect(manifest.hashed).toBe(true);
  const loaded = pkgRequests(page);
  for (const path of [demoLink('person', 0).path, demoLink('preferences', 0).path, '/c/not-a-link']) {
    await page.goto(path);
    await hydrated(page);
  }
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
  const loaded = pkgRequests(page);
  await page.goto('/staff/login');
  await hydrated(page);
  expect(loaded).toContain(manifest.staff.wasm);
  expect(loaded).not.toContain(manifest.customer.wasm);
});
