import { test, expect } from '@playwright/test';
import * as http from 'http';
import type { AddressInfo } from 'net';
import { admin, hydrated, signIn, snap } from './helpers';

// Another origin on the same host (another port): the same site as far as SameSite
// cookies go, so the browser sends the staff session with its form post, as it would
// from a sibling subdomain. Only the server's Origin check stands in the way.
let other: http.Server;
let otherOrigin = '';

test.beforeAll(async () => {
  other = http.createServer((req, res) => {
    const target = new URL(req.url ?? '/', 'http://x').searchParams.get('target') ?? '';
    const name = new URL(req.url ?? '/', 'http://x').searchParams.get('name') ?? '';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>A page elsewhere</title>
      <form id="f" method="post" action="${target}"><input name="name" value="${name}"></form>
      <script>document.getElementById('f').submit()</script>`);
  });
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  otherOrigin = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
});

test.afterAll(async () => {
  await new Promise((resolve) => other.close(resolve));
});

test('a page on another origin that posts to a server function changes nothing', async ({ page, baseURL }, testInfo) => {
  const name = `Cross-site ${testInfo.project.name} ${Date.now()}`;
  await signIn(page, admin);

  const target = `${baseURL}/api/admin/create_company`;
  const response = page.waitForResponse((r) => r.url() === target);
  await page.goto(`${otherOrigin}/?target=${encodeURIComponent(target)}&name=${encodeURIComponent(name)}`);
  expect((await response).status()).toBe(403);
  await expect(page.locator('body')).toContainText('came from another site');

  await page.goto('/staff/admin/companies');
  await hydrated(page);
  await expect(page.getByTestId('companies')).toBeVisible();
  await expect(page.getByTestId('companies')).not.toContainText(name);

  // From its own origin, the same session does the same thing.
  await page.getByLabel('Name').fill(name);
  await page.getByRole('button', { name: 'Add company' }).click();
  await expect(page.getByTestId('companies').getByRole('row', { name: new RegExp(name) })).toBeVisible();
  await snap(page, testInfo, 'cross-site-refused-then-own-origin');
});
