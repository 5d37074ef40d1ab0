// Reads k6 handleSummary JSON files (what the scripts in k6/ write to results/<script>.json) into one shape the
// report is built from.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

/**
 * @typedef {{ type: 'counter' | 'gauge' | 'rate' | 'trend', contains: 'default' | 'time' | 'data',
 *   values: Record<string, number>, thresholds?: Record<string, { ok: boolean }> }} Metric
 * @typedef {{ name: string, passes: number, fails: number }} Check
 * @typedef {{ metric: string, expression: string, ok: boolean, stat: string | undefined, observed: number | undefined }} Threshold
 * @typedef {{ name: string, file: string, note: string | undefined, run: Record<string, any>, durationMs: number,
 *   metrics: Record<string, Metric>, checks: Check[], thresholds: Threshold[] }} TestSummary
 */

/**
 * The statistic a threshold expression is about: `p(95)<500` → p(95), `count==0` → count, `rate<0.01` → rate.
 * @param {string} expression
 * @returns {string | undefined}
 */
export function thresholdStat(expression) {
  const m = /^\s*([a-z]+(?:\(\d+(?:\.\d+)?\))?)\s*[<>=!]/.exec(expression);
  return m === null ? undefined : m[1];
}

/**
 * @param {any} group a root_group or one of its groups
 * @returns {Check[]}
 */
function checksOf(group) {
  const own = (group.checks || []).map((/** @type {any} */ c) => ({ name: String(c.name), passes: Number(c.passes), fails: Number(c.fails) }));
  return own.concat(...(group.groups || []).map(checksOf));
}

/**
 * Why a parsed file is not handleSummary data, or undefined when it is.
 * @param {any} data
 * @returns {string | undefined}
 */
function formatProblem(data) {
  if (data === null || typeof data !== 'object' || typeof data.metrics !== 'object' || data.metrics === null) {
    return 'it has no "metrics" object';
  }

  const names = Object.keys(data.metrics);
  if (names.length > 0 && names.every((name) => data.metrics[name] && data.metrics[name].values === undefined)) {
    return 'its metrics have no "values": this looks like `k6 run --summary-export` output; the scripts\' handleSummary files (results/<script>.json) are what this reads';
  }

  const bad = names.find((name) => {
    const m = data.metrics[name];
    return !m || !['counter', 'gauge', 'rate', 'trend'].includes(m.type) || typeof m.values !== 'object';
  });
  if (bad !== undefined) {
    return `metric "${bad}" has no type (counter, gauge, rate, trend) and values`;
  }

  if (typeof data.state !== 'object' || typeof data.state.testRunDurationMs !== 'number') {
    return 'it has no state.testRunDurationMs';
  }

  return undefined;
}

/**
 * @param {string} file
 * @returns {TestSummary}
 */
export function readSummary(file) {
  let data;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: not readable JSON (${error instanceof Error ? error.message : error})`);
  }

  const problem = formatProblem(data);
  if (problem !== undefined) {
    throw new Error(`${file}: not a k6 handleSummary file: ${problem}.`);
  }

  const run = data.setup_data && typeof data.setup_data === 'object' ? data.setup_data : {};
  /** @type {Record<string, Metric>} */
  const metrics = data.metrics;
  /** @type {Threshold[]} */
  const thresholds = [];
  for (const metric of Object.keys(metrics).sort()) {
    for (const [expression, outcome] of Object.entries(metrics[metric].thresholds || {})) {
      const stat = thresholdStat(expression);
      thresholds.push({ metric, expression, ok: outcome.ok === true, stat, observed: stat === undefined ? undefined : metrics[metric].values[stat] });
    }
  }

  return {
    name: typeof run.script === 'string' ? run.script : basename(file).replace(/(\.sample)?\.json$/, ''),
    file,
    note: typeof data.note === 'string' ? data.note : undefined,
    run,
    durationMs: data.state.testRunDurationMs,
    metrics,
    checks: data.root_group ? checksOf(data.root_group) : [],
    thresholds,
  };
}
