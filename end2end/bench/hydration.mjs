// Benchmark (not a test), run by `cargo xtask bench`: how long a page takes from its
// first byte until it is hydrated, in Debian's Chromium on a phone-sized first visit
// (fresh cache) with the CPU slowed 6× like a low-end phone. Prints the median of
// several loads of each address given, so pages can be compared in the same run.
//
//   node bench/hydration.mjs <runs> <label>=<url> [<label>=<url> …]
import { chromium, devices } from '@playwright/test';

const [runs, ...targets] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
});

async function once(url) {
  const context = await browser.newContext({ ...devices['Pixel 7'] });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 6 });
  // The moment the bundle marks the body, on the page's own clock.
  await page.addInitScript(() => {
    new MutationObserver((_, observer) => {
      if (document.body?.dataset.hydrated === 'true') {
        window.__hydratedAt = performance.now();
        observer.disconnect();
      }
    }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-hydrated'] });
  });
  await page.goto(url);
  await page.waitForFunction(() => window.__hydratedAt !== undefined, null, { timeout: 60_000 });
  const ms = await page.evaluate(() => window.__hydratedAt - performance.getEntriesByType('navigation')[0].responseStart);
  await context.close();
  return ms;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
for (const target of targets) {
  const [label, url] = [target.slice(0, target.indexOf('=')), target.slice(target.indexOf('=') + 1)];
  const times = [];
  for (let i = 0; i < Number(runs); i++) times.push(await once(url));
  console.log(`  ${label.padEnd(34)} ${median(times).toFixed(0).padStart(6)} ms (median of ${runs}; ${times.map((t) => t.toFixed(0)).join(', ')})`);
}
await browser.close();
