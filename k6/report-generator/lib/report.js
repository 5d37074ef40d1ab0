// Builds the one-file HTML report: tables written here, charts drawn in the page by Chart.js, which is inlined from
// node_modules so the page needs no network (its Content-Security-Policy forbids any).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chartsFor, isBuiltin } from './charts.js';

/** @typedef {import('./summaries.js').TestSummary} TestSummary */
/** @typedef {import('./summaries.js').Metric} Metric */

const here = dirname(fileURLToPath(import.meta.url));

/** Chart.js's browser build. Its package exports only the module builds, so the file is found beside the main one. */
function chartJsSource() {
  const main = createRequire(import.meta.url).resolve('chart.js');
  return readFileSync(join(dirname(main), 'chart.umd.min.js'), 'utf8');
}

/** @param {unknown} text */
function esc(text) {
  return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] || c);
}

/**
 * Script text safe inside <script>: nothing in it can close the element early.
 * @param {string} source
 */
function inlineScript(source) {
  return source.replace(/<\/script/gi, '<\\/script');
}

/** @param {number} ms */
function duration(ms) {
  if (ms >= 60000) {
    return `${(ms / 60000).toFixed(1)} min`;
  }

  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`;
}

/** @param {number} n */
function plain(n) {
  return Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

/**
 * One statistic in the metric's unit.
 * @param {Metric} metric
 * @param {string} stat
 * @param {number | undefined} value
 */
function formatStat(metric, stat, value) {
  if (value === undefined || value === null) {
    return '–';
  }

  if (metric.type === 'rate' && stat === 'rate') {
    return `${(value * 100).toFixed(2)} %`;
  }

  if (stat === 'rate') {
    return `${plain(value)}/s`;
  }

  if (['count', 'passes', 'fails'].includes(stat)) {
    return plain(value);
  }

  if (metric.contains === 'time') {
    return duration(value);
  }

  return metric.contains === 'data' ? `${(value / 1e6).toFixed(2)} MB` : plain(value);
}

/** @param {Metric} metric */
function metricValues(metric) {
  return Object.entries(metric.values).map(([stat, v]) => `${esc(stat)}=${esc(formatStat(metric, stat, v))}`).join(' &nbsp; ');
}

/** @param {boolean} ok */
function verdict(ok) {
  return ok ? '<span class="pass">pass</span>' : '<span class="fail">FAIL</span>';
}

/** @param {TestSummary} t */
function overviewRow(t) {
  const m = t.metrics;
  const passed = t.thresholds.filter((th) => th.ok).length;
  const checkPasses = t.checks.reduce((sum, c) => sum + c.passes, 0);
  const checkFails = t.checks.reduce((sum, c) => sum + c.fails, 0);
  const cells = [
    esc(t.name),
    esc(t.run.profile ?? '–'),
    esc(duration(t.durationMs)),
    m.iterations ? `${esc(plain(m.iterations.values.count))} (${esc(plain(m.iterations.values.rate))}/s)` : '–',
    m.http_reqs ? `${esc(plain(m.http_reqs.values.count))} (${esc(plain(m.http_reqs.values.rate))}/s)` : '–',
    m.http_req_failed ? esc(formatStat(m.http_req_failed, 'rate', m.http_req_failed.values.rate)) : '–',
    t.checks.length > 0 ? `${esc(plain(checkPasses))} ok / ${esc(plain(checkFails))} not` : '–',
    `${passed} / ${t.thresholds.length}`,
    verdict(passed === t.thresholds.length),
  ];
  return `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`;
}

/** @param {TestSummary[]} tests */
function thresholdTable(tests) {
  const rows = tests.flatMap((t) => t.thresholds.map((th) => {
    const observed = th.stat === undefined ? '–' : formatStat(t.metrics[th.metric], th.stat, th.observed);
    return `<tr class="${th.ok ? 'ok' : 'bad'}"><td>${esc(t.name)}</td><td><code>${esc(th.metric)}</code></td>`
      + `<td><code>${esc(th.expression)}</code></td><td>${esc(observed)}</td><td>${verdict(th.ok)}</td></tr>`;
  }));
  if (rows.length === 0) {
    return '<p>No thresholds were defined.</p>';
  }

  return `<table><thead><tr><th>test</th><th>metric</th><th>threshold</th><th>observed</th><th>result</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/**
 * @param {TestSummary} t
 * @param {boolean} builtin k6's own metrics, or the script's
 */
function metricTable(t, builtin) {
  const names = Object.keys(t.metrics).sort().filter((name) => isBuiltin(name) === builtin);
  if (names.length === 0) {
    return '<p>None.</p>';
  }

  const rows = names.map((name) => `<tr><td><code>${esc(name)}</code></td><td>${esc(t.metrics[name].type)}</td><td>${metricValues(t.metrics[name])}</td></tr>`);
  return `<table><thead><tr><th>metric</th><th>type</th><th>values</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** @param {TestSummary} t */
function testDetails(t) {
  const checks = t.checks.length === 0 ? '<p>No checks.</p>'
    : `<table><thead><tr><th>check</th><th>ok</th><th>not</th></tr></thead><tbody>${t.checks.map((c) => (
      `<tr class="${c.fails === 0 ? 'ok' : 'bad'}"><td>${esc(c.name)}</td><td>${esc(plain(c.passes))}</td><td>${esc(plain(c.fails))}</td></tr>`)).join('')}</tbody></table>`;
  const parameters = t.run.parameters && typeof t.run.parameters === 'object'
    ? `<p class="params">${Object.entries(t.run.parameters).map(([k, v]) => `<code>${esc(k)}=${esc(JSON.stringify(v))}</code>`).join(' ')}</p>` : '';
  const started = t.run.startedAt ? ` · started ${esc(t.run.startedAt)}` : '';
  const runId = t.run.runId ? ` · run ${esc(t.run.runId)}` : '';
  return `<section class="test"><h3>${esc(t.name)}</h3>
<p class="meta">${esc(t.file)}${runId}${started} · ${esc(duration(t.durationMs))}</p>${parameters}
<h4>Checks</h4>${checks}
<h4>The script's metrics</h4>${metricTable(t, false)}
<details><summary>k6's own metrics</summary>${metricTable(t, true)}</details></section>`;
}

/**
 * @param {TestSummary[]} tests
 * @param {{ title: string, generatedAt: string }} options
 * @returns {string} the whole HTML document
 */
export function renderReport(tests, options) {
  const charts = chartsFor(tests);
  /** @type {Map<string, string[]>} the tests carrying each distinct note (sample fixtures all carry the same one) */
  const notes = new Map();
  for (const t of tests.filter((test) => test.note !== undefined)) {
    notes.set(/** @type {string} */ (t.note), [...(notes.get(/** @type {string} */ (t.note)) || []), t.name]);
  }

  const banner = notes.size === 0 ? ''
    : `<div class="banner"><strong>Sample data, not measurements.</strong>${[...notes].map(([note, names]) => `<br>${esc(names.join(', '))}: ${esc(note)}`).join('')}</div>`;
  const allPassed = tests.every((t) => t.thresholds.every((th) => th.ok));
  // The data block is JSON, never run as script; escaping < keeps a "</script>" inside a string from closing it.
  const data = JSON.stringify({ charts }).replace(/</g, '\\u003c');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(options.title)}</title>
<style>${readFileSync(join(here, 'report.css'), 'utf8')}</style>
</head>
<body>
<header><h1>${esc(options.title)}</h1>
<p>${tests.length} test${tests.length === 1 ? '' : 's'} · generated ${esc(options.generatedAt)} · thresholds: ${verdict(allPassed)}</p></header>
${banner}
<h2>Overview</h2>
<table><thead><tr><th>test</th><th>profile</th><th>duration</th><th>iterations</th><th>HTTP requests</th><th>HTTP failed</th><th>checks</th><th>thresholds passed</th><th>result</th></tr></thead>
<tbody>${tests.map(overviewRow).join('')}</tbody></table>
<h2>Charts</h2>
<div class="charts">${charts.map((c) => `<div class="chart"><canvas id="chart-${esc(c.id)}" role="img" aria-label="${esc(c.title)}"></canvas></div>`).join('\n')}</div>
<h2>Thresholds</h2>
${thresholdTable(tests)}
<h2>Per test</h2>
${tests.map(testDetails).join('\n')}
<script id="report-data" type="application/json">${data}</script>
<script>${inlineScript(chartJsSource())}</script>
<script>${inlineScript(readFileSync(join(here, 'page.browser.js'), 'utf8'))}</script>
</body>
</html>
`;
}
