// The end of every run: k6's summary data, unchanged, to <RESULTS_DIR>/<script>.json (what the report generator
// reads), and a short text summary on stdout. k6's own textSummary lives in a remote jslib module, which a machine
// without internet cannot import, so the text is made here.
import { resultsDir } from './config.js';

/**
 * The data k6 hands to handleSummary (k6 0.48 and later).
 * @typedef {{ type: 'counter' | 'gauge' | 'rate' | 'trend', contains: 'default' | 'time' | 'data',
 *   values: Record<string, number>, thresholds?: Record<string, { ok: boolean }> }} SummaryMetric
 * @typedef {{ name: string, path: string, id: string, passes: number, fails: number }} SummaryCheck
 * @typedef {{ name: string, path: string, id: string, groups: SummaryGroup[], checks: SummaryCheck[] }} SummaryGroup
 * @typedef {{ root_group: SummaryGroup, options: { summaryTrendStats: string[], summaryTimeUnit: string, noColor: boolean },
 *   state: { isStdOutTTY: boolean, isStdErrTTY: boolean, testRunDurationMs: number },
 *   metrics: Record<string, SummaryMetric>, setup_data?: any }} SummaryData
 */

/**
 * What every script's handleSummary returns.
 * @param {string} script file name without .js, e.g. api-load
 * @param {SummaryData} data
 * @returns {Record<string, string>}
 */
export function summaryOutputs(script, data) {
  /** @type {Record<string, string>} */
  const outputs = { stdout: textSummary(script, data) };
  outputs[`${resultsDir}/${script}.json`] = JSON.stringify(data, null, 2);
  return outputs;
}

/**
 * @param {number} ms
 * @returns {string}
 */
function formatDuration(ms) {
  if (ms >= 60000) {
    return `${(ms / 60000).toFixed(1)}min`;
  }

  return ms >= 1000 ? `${(ms / 1000).toFixed(2)}s` : `${ms.toFixed(2)}ms`;
}

/**
 * @param {number} bytes
 * @returns {string}
 */
function formatBytes(bytes) {
  if (bytes >= 1e6) {
    return `${(bytes / 1e6).toFixed(1)} MB`;
  }

  return bytes >= 1e3 ? `${(bytes / 1e3).toFixed(1)} kB` : `${bytes} B`;
}

/**
 * @param {number} value
 * @returns {string}
 */
function formatNumber(value) {
  return Number.isInteger(value) ? `${value}` : value.toFixed(2);
}

/**
 * One statistic of a metric, in the metric's unit (milliseconds for time, bytes for data).
 * @param {SummaryMetric} metric
 * @param {string} stat
 * @returns {string}
 */
function formatStat(metric, stat) {
  const value = metric.values[stat];
  if (stat === 'rate' && metric.type === 'rate') {
    return `${(value * 100).toFixed(2)}%`;
  }

  if (stat === 'rate') {
    return `${value.toFixed(2)}/s`;
  }

  if (stat === 'count' || stat === 'passes' || stat === 'fails') {
    return formatNumber(value);
  }

  if (metric.contains === 'time') {
    return formatDuration(value);
  }

  return metric.contains === 'data' ? formatBytes(value) : formatNumber(value);
}

/**
 * @param {string} name
 * @param {SummaryMetric} metric
 * @returns {string}
 */
function metricLine(name, metric) {
  /** @type {string[]} */
  let stats;
  if (metric.type === 'trend') {
    stats = Object.keys(metric.values);
  } else if (metric.type === 'rate') {
    stats = ['rate', 'passes', 'fails'];
  } else if (metric.type === 'gauge') {
    stats = ['value', 'min', 'max'];
  } else {
    stats = ['count', 'rate'];
  }

  const shown = stats.filter((stat) => metric.values[stat] !== undefined).map((stat) => `${stat}=${formatStat(metric, stat)}`);
  return `    ${`${name} `.padEnd(48, '.')} ${shown.join('  ')}`;
}

/**
 * The statistic a threshold expression such as `p(95)<500` or `count==0` is about.
 * @param {string} expression
 * @returns {string | undefined}
 */
function thresholdStat(expression) {
  const m = /^\s*([a-z]+(?:\(\d+(?:\.\d+)?\))?)\s*[<>=!]/.exec(expression);
  return m === null ? undefined : m[1];
}

/**
 * @param {SummaryGroup} group
 * @returns {SummaryCheck[]}
 */
function allChecks(group) {
  /** @type {SummaryCheck[]} */
  const checks = group.checks.slice();
  for (const child of group.groups) {
    checks.push(...allChecks(child));
  }

  return checks;
}

/**
 * @param {string} script
 * @param {SummaryData} data
 * @returns {string}
 */
function textSummary(script, data) {
  const lines = [''];
  const run = data.setup_data && typeof data.setup_data === 'object' ? data.setup_data : {};
  const about = [run.profile ? `profile ${run.profile}` : '', run.runId ? `run ${run.runId}` : '', formatDuration(data.state.testRunDurationMs)];
  lines.push(`  ${script} — ${about.filter((part) => part !== '').join(', ')}`);
  const names = Object.keys(data.metrics).sort();

  const thresholdLines = [];
  for (const name of names) {
    const metric = data.metrics[name];
    for (const expression of Object.keys(metric.thresholds || {})) {
      const ok = /** @type {Record<string, { ok: boolean }>} */ (metric.thresholds)[expression].ok;
      const stat = thresholdStat(expression);
      const observed = stat !== undefined && metric.values[stat] !== undefined ? `  (${stat}=${formatStat(metric, stat)})` : '';
      thresholdLines.push(`    ${ok ? '✓' : '✗'} ${name}  ${expression}${observed}`);
    }
  }

  if (thresholdLines.length > 0) {
    lines.push('', '  thresholds', ...thresholdLines);
  }

  const checks = allChecks(data.root_group);
  if (checks.length > 0) {
    lines.push('', '  checks');
    for (const c of checks) {
      lines.push(`    ${c.fails === 0 ? '✓' : '✗'} ${c.name}  (${c.passes} ok, ${c.fails} not)`);
    }
  }

  lines.push('', '  metrics', ...names.map((name) => metricLine(name, data.metrics[name])));
  lines.push('', `  summary JSON: ${resultsDir}/${script}.json`, '');
  return lines.join('\n');
}
