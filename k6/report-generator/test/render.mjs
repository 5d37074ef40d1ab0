// Render test: opens a report in headless Chromium and fails unless every chart drew something, the page logged no
// error and asked the network for nothing. Saves a screenshot beside the report (report.png).
//
//   node k6/report-generator/test/render.mjs [REPORT.html]
// Without an argument it first generates k6/results/report.html from k6/samples/*.sample.json.
// Chromium: /usr/bin/chromium (Debian's package) or CHROMIUM_PATH; Playwright's own browser downloads are not used.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const k6Dir = resolve(here, '..', '..');
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// Without the background-networking switches Chromium keeps trying to reach Google's services, which on a machine
// with no network makes it slow and flaky.
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];
const TIMEOUT_MS = 30000;
/** A drawn chart has axes, labels and bars: far more opaque pixels than this. */
const MIN_PAINTED_PIXELS = 500;

function reportFromSamples() {
  const samples = readdirSync(join(k6Dir, 'samples')).filter((f) => f.endsWith('.sample.json')).map((f) => join(k6Dir, 'samples', f));
  const out = join(k6Dir, 'results', 'report.html');
  execFileSync(process.execPath, [join(k6Dir, 'report-generator', 'generate.js'), '--out', out, ...samples], { stdio: 'inherit' });
  return out;
}

async function main() {
  const report = process.argv[2] ? resolve(process.argv[2]) : reportFromSamples();
  if (!existsSync(report)) {
    throw new Error(`${report} does not exist.`);
  }

  if (!existsSync(executablePath)) {
    throw new Error(`no Chromium at ${executablePath}: apt-get install chromium, or set CHROMIUM_PATH.`);
  }

  const problems = [];
  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, timeout: TIMEOUT_MS });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (msg) => {
      if (msg.type() === 'error') {
        problems.push(`console error: ${msg.text()}`);
      }
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} (${req.failure()?.errorText})`));
    // The report must be self-contained: the only thing it may load is itself.
    page.on('request', (req) => {
      if (req.url() !== pathToFileURL(report).href) {
        problems.push(`unexpected request: ${req.url()}`);
      }
    });

    await page.goto(pathToFileURL(report).href, { waitUntil: 'load', timeout: TIMEOUT_MS });
    await page.waitForSelector('body[data-charts-ready="true"]', { timeout: TIMEOUT_MS }).catch(() => {
      problems.push('the page never reported its charts drawn (body[data-charts-ready])');
    });

    const canvases = await page.$$eval('canvas', (elements) => elements.map((canvas) => {
      const { width, height } = canvas;
      let painted = 0;
      if (width > 0 && height > 0) {
        const pixels = canvas.getContext('2d').getImageData(0, 0, width, height).data;
        for (let i = 3; i < pixels.length; i += 4) {
          if (pixels[i] !== 0) {
            painted += 1;
          }
        }
      }

      return { id: canvas.id, width, height, painted };
    }));
    if (canvases.length === 0) {
      problems.push('the report has no chart canvas');
    }

    for (const c of canvases) {
      const ok = c.painted >= MIN_PAINTED_PIXELS;
      console.log(`  ${ok ? 'ok  ' : 'BAD '} ${c.id}: ${c.width}x${c.height}, ${c.painted} painted pixels`);
      if (!ok) {
        problems.push(`chart ${c.id} is blank (${c.painted} painted pixels)`);
      }
    }

    const screenshot = join(dirname(report), 'report.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    console.log(`  screenshot: ${screenshot}`);
  } finally {
    await browser.close();
  }

  if (problems.length > 0) {
    console.error(`render test FAILED (${problems.length} problem${problems.length === 1 ? '' : 's'}):`);
    problems.forEach((p) => console.error(`  - ${p}`));
    return 1;
  }

  console.log('render test ok: every chart drew, no console errors, no network requests.');
  return 0;
}

main().then((code) => { process.exitCode = code; }, (error) => {
  console.error(`render test FAILED: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
});
