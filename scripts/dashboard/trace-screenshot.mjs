// Opens one trace in the Aspire dashboard in headless Chromium and saves a screenshot of it.
//
//   node scripts/dashboard/trace-screenshot.mjs TRACE_ID OUT.png [DASHBOARD_URL]
// Used by scripts/dashboard-screenshot.sh; Chromium is Debian's (/usr/bin/chromium or CHROMIUM_PATH), driven through the
// playwright-core the k6 report generator already installs.
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(resolve(here, '..', '..', 'k6', 'report-generator', 'package.json'));
const { chromium } = require('playwright-core');

const [traceId, out, dashboard = 'http://127.0.0.1:18888'] = process.argv.slice(2);
if (!traceId || !out) {
  console.error('usage: trace-screenshot.mjs TRACE_ID OUT.png [DASHBOARD_URL]');
  process.exit(2);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  timeout: 30000,
});
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } });
  await page.goto(`${dashboard}/traces/detail/${traceId}`, { waitUntil: 'networkidle', timeout: 60000 });
  // The page is a Blazor Server app: the span rows arrive over its live connection after the first paint.
  await page.getByText('deliver message').first().waitFor({ timeout: 60000 });
  await page.waitForTimeout(1500);
  await page.screenshot({ path: out });
  console.log(`saved ${out}`);
} finally {
  await browser.close();
}
