// What the report charts, as plain data: the page's script only hands each spec to Chart.js.

/**
 * @typedef {import('./summaries.js').TestSummary} TestSummary
 * @typedef {{ label: string, data: (number | null)[] }} Dataset
 * @typedef {{ id: string, title: string, unit: string, labels: string[], datasets: Dataset[] }} ChartSpec
 */

/** k6's own metrics: everything else in a summary was defined by the script. */
const BUILTIN_METRICS = new Set([
  'checks', 'data_received', 'data_sent', 'dropped_iterations', 'group_duration', 'http_req_blocked', 'http_req_connecting',
  'http_req_duration', 'http_req_failed', 'http_req_receiving', 'http_req_sending', 'http_req_tls_handshaking',
  'http_req_waiting', 'http_reqs', 'iteration_duration', 'iterations', 'vus', 'vus_max',
]);

const LATENCY_STATS = ['avg', 'p(90)', 'p(95)', 'p(99)', 'max'];

/**
 * `deliveries_per_second{failure_rate:0.1}` → base deliveries_per_second, tags { failure_rate: '0.1' }.
 * @param {string} name
 * @returns {{ base: string, tags: Record<string, string> }}
 */
export function splitMetricName(name) {
  const brace = name.indexOf('{');
  if (brace < 0 || !name.endsWith('}')) {
    return { base: name, tags: {} };
  }

  /** @type {Record<string, string>} */
  const tags = {};
  for (const pair of name.slice(brace + 1, -1).split(',')) {
    const colon = pair.indexOf(':');
    if (colon > 0) {
      tags[pair.slice(0, colon).trim()] = pair.slice(colon + 1).trim();
    }
  }

  return { base: name.slice(0, brace), tags };
}

/** @param {string} name */
export function isBuiltin(name) {
  return BUILTIN_METRICS.has(splitMetricName(name).base);
}

/**
 * @param {TestSummary} test
 * @param {string} metric
 * @param {string} stat
 * @returns {number | null}
 */
function value(test, metric, stat) {
  const m = test.metrics[metric];
  return m && typeof m.values[stat] === 'number' ? m.values[stat] : null;
}

/**
 * @param {TestSummary[]} tests
 * @returns {ChartSpec}
 */
function throughputChart(tests) {
  return {
    id: 'throughput',
    title: 'Throughput per test',
    unit: 'per second',
    labels: tests.map((t) => t.name),
    datasets: [
      { label: 'HTTP requests/s', data: tests.map((t) => value(t, 'http_reqs', 'rate')) },
      { label: 'iterations/s', data: tests.map((t) => value(t, 'iterations', 'rate')) },
    ],
  };
}

/**
 * @param {TestSummary[]} tests
 * @returns {ChartSpec}
 */
function httpLatencyChart(tests) {
  return {
    id: 'http-latency',
    title: 'HTTP request duration per test',
    unit: 'ms',
    labels: tests.map((t) => t.name),
    datasets: LATENCY_STATS.map((stat) => ({ label: stat, data: tests.map((t) => value(t, 'http_req_duration', stat)) })),
  };
}

/**
 * The failure share of every rate that measures failure: HTTP, checks, and the scripts' own error (or, inverted,
 * success) rates.
 * @param {TestSummary[]} tests
 * @returns {ChartSpec}
 */
function errorRateChart(tests) {
  /** @type {string[]} */
  const labels = [];
  /** @type {(number | null)[]} */
  const data = [];
  for (const t of tests) {
    for (const name of Object.keys(t.metrics).sort()) {
      const m = t.metrics[name];
      if (m.type !== 'rate' || splitMetricName(name).tags.expected_response !== undefined) {
        continue;
      }

      if (name === 'checks') {
        labels.push(`${t.name} · checks failed`);
        data.push(100 * (1 - m.values.rate));
      } else if (/success/.test(name)) {
        labels.push(`${t.name} · ${name} (not)`);
        data.push(100 * (1 - m.values.rate));
      } else if (/error|fail/.test(name)) {
        labels.push(`${t.name} · ${name}`);
        data.push(100 * m.values.rate);
      }
    }
  }

  return { id: 'error-rates', title: 'Error rates', unit: '%', labels, datasets: [{ label: 'failed share', data }] };
}

/**
 * One chart per test with the latency statistics of every time trend the script defined.
 * @param {TestSummary} test
 * @param {number} index
 * @returns {ChartSpec | undefined}
 */
function customTrendChart(test, index) {
  const names = Object.keys(test.metrics).sort()
    .filter((name) => !isBuiltin(name) && test.metrics[name].type === 'trend' && test.metrics[name].contains === 'time');
  if (names.length === 0) {
    return undefined;
  }

  return {
    id: `custom-trends-${index}`,
    title: `${test.name}: the script's latency trends`,
    unit: 'ms',
    labels: names,
    datasets: LATENCY_STATS.map((stat) => ({ label: stat, data: names.map((name) => value(test, name, stat)) })),
  };
}

/**
 * Gauges reported once per tag value (worker-throughput's figures per failure_rate): one chart per gauge and tag.
 * @param {TestSummary} test
 * @param {number} index
 * @returns {ChartSpec[]}
 */
function taggedGaugeCharts(test, index) {
  /** @type {Map<string, { base: string, tag: string, isTime: boolean, points: { label: string, value: number | null }[] }>} */
  const groups = new Map();
  for (const name of Object.keys(test.metrics).sort()) {
    const { base, tags } = splitMetricName(name);
    const tagNames = Object.keys(tags);
    if (test.metrics[name].type !== 'gauge' || tagNames.length !== 1) {
      continue;
    }

    const key = `${base}|${tagNames[0]}`;
    const group = groups.get(key) || { base, tag: tagNames[0], isTime: test.metrics[name].contains === 'time', points: [] };
    group.points.push({ label: tags[tagNames[0]], value: value(test, name, 'value') });
    groups.set(key, group);
  }

  return [...groups.values()].map((group, i) => {
    const numeric = group.points.every((p) => !Number.isNaN(Number(p.label)));
    const points = group.points.slice().sort((a, b) => (numeric ? Number(a.label) - Number(b.label) : a.label.localeCompare(b.label)));
    return {
      id: `tagged-${index}-${i}`,
      title: `${test.name}: ${group.base} by ${group.tag}`,
      unit: group.isTime ? 'ms' : '',
      labels: points.map((p) => `${group.tag} ${p.label}`),
      datasets: [{ label: group.base, data: points.map((p) => p.value) }],
    };
  });
}

/**
 * @param {TestSummary[]} tests
 * @returns {ChartSpec[]}
 */
export function chartsFor(tests) {
  /** @type {ChartSpec[]} */
  const charts = [throughputChart(tests), httpLatencyChart(tests), errorRateChart(tests)];
  tests.forEach((test, i) => {
    const trends = customTrendChart(test, i);
    if (trends !== undefined) {
      charts.push(trends);
    }

    charts.push(...taggedGaugeCharts(test, i));
  });
  return charts;
}
