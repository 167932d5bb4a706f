import { expect, type Page, type TestInfo } from '@playwright/test';
import AxeBuilder from '@axe-core/playwright';
import * as fs from 'fs';
import * as path from 'path';

export const admin = {
  email: process.env.DEMO_ADMIN_EMAIL ?? 'admin@datacheck.test',
  password: process.env.DEMO_ADMIN_PASSWORD ?? 'demo-admin-pass',
};
export const staff = {
  email: process.env.DEMO_STAFF_EMAIL ?? 'staff@datacheck.test',
  password: process.env.DEMO_STAFF_PASSWORD ?? 'demo-staff-pass',
};

/** A click before hydration is lost silently: wait for the mark `hydrate()` sets. */
export async function hydrated(page: Page) {
  await expect(page.locator('body[data-hydrated="true"]')).toBeAttached({ timeout: 15_000 });
}

export async function signIn(page: Page, who: { email: string; password: string }) {
  await page.goto('/staff/login');
  await hydrated(page);
  await page.getByLabel('E-mail address').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/staff\/runs$/);
}

/** Screenshot in end2end/screenshots/, named by project, to look at afterwards: the full
 * page, or only the first screen (`fullPage: false`) for long lists. */
export async function snap(page: Page, testInfo: TestInfo, name: string, { fullPage = true } = {}) {
  await page.screenshot({
    path: path.join(__dirname, '..', 'screenshots', `${testInfo.project.name}-${name}.png`),
    fullPage,
  });
}

/** Collects console errors (a CSP violation that breaks hydration shows up here). */
export function consoleErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') errors.push(msg.text());
  });
  page.on('pageerror', (err) => errors.push(err.message));
  return errors;
}

/** Opens the phone menu when the sidebar is collapsed (phone project). */
export async function openNav(page: Page) {
  const menu = page.getByLabel('Menu');
  if (await menu.isVisible()) {
    await menu.click();
  }
}

/** The demo links the server printed at start-up: customer number, kind, path. */
export function demoLinks(): { customerNo: string; kind: string; path: string }[] {
  const log = fs.readFileSync(process.env.SERVER_LOG ?? '../target/e2e-server.log', 'utf8');
  return [...log.matchAll(/demo customer link \(([^,]+), (\w+)\): (\S+)/g)].map((m) => ({
    customerNo: m[1],
    kind: m[2],
    path: new URL(m[3]).pathname,
  }));
}

/** The `index`th demo link of a kind ("person", "preferences", …). */
export function demoLink(kind: string, index: number): { customerNo: string; path: string } {
  const found = demoLinks().filter((l) => l.kind === kind);
  expect(found.length, `demo ${kind} links`).toBeGreaterThan(index);
  return found[index];
}

/** No accessibility violations (WCAG 2.1 AA) on the page as it is now. */
export async function axe(page: Page) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  expect(result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target).join(' ')}`)).toEqual([]);
}
