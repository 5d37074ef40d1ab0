// Settings from the environment (`k6 run -e NAME=value …`), read in the init context of every VU.
// Each value is validated here, so a typo stops the run at start-up naming the variable, not minutes into it.

/**
 * @param {string} name
 * @param {string} fallback
 * @returns {string}
 */
export function textSetting(name, fallback) {
  const value = __ENV[name];
  return value === undefined || value.trim() === '' ? fallback : value.trim();
}

/**
 * @param {string} name
 * @param {number} fallback
 * @param {number} min
 * @param {number} max
 * @returns {number}
 */
export function numberSetting(name, fallback, min, max) {
  const raw = __ENV[name];
  if (raw === undefined || raw.trim() === '') {
    return fallback;
  }

  const value = Number(raw);
  if (!isFinite(value) || value < min || value > max) {
    throw new Error(`${name} must be a number from ${min} to ${max}, not '${raw}'.`);
  }

  return value;
}

/**
 * @param {string} name
 * @param {number} fallback
 * @param {number} min
 * @param {number} max
 * @returns {number}
 */
export function integerSetting(name, fallback, min, max) {
  const value = numberSetting(name, fallback, min, max);
  if (Math.floor(value) !== value) {
    throw new Error(`${name} must be a whole number, not '${__ENV[name]}'.`);
  }

  return value;
}

/**
 * A comma-separated list of numbers, such as FAILURE_RATES=0,0.1,0.3.
 * @param {string} name
 * @param {number[]} fallback
 * @param {number} min
 * @param {number} max
 * @returns {number[]}
 */
export function numberListSetting(name, fallback, min, max) {
  const raw = textSetting(name, '');
  if (raw === '') {
    return fallback;
  }

  const parts = raw.split(',').map((part) => part.trim());
  const values = parts.map(Number);
  if (parts.some((part, i) => part === '' || !isFinite(values[i]) || values[i] < min || values[i] > max)) {
    throw new Error(`${name} must be a comma-separated list of numbers from ${min} to ${max}, not '${raw}'.`);
  }

  return values;
}

/**
 * @template {string} T
 * @param {string} name
 * @param {T} fallback
 * @param {readonly T[]} allowed
 * @returns {T}
 */
export function choiceSetting(name, fallback, allowed) {
  const value = textSetting(name, fallback);
  const match = allowed.find((candidate) => candidate === value);
  if (match === undefined) {
    throw new Error(`${name} must be one of ${allowed.join(', ')}, not '${value}'.`);
  }

  return match;
}

/** @param {string} url */
function withoutTrailingSlash(url) {
  return url.replace(/\/+$/, '');
}

/** `ci`: about a minute with a few VUs, to prove the script works; `full`: several minutes, the real measurement. */
export const profile = choiceSetting('PROFILE', 'full', /** @type {const} */ (['ci', 'full']));

const apiUrl = withoutTrailingSlash(textSetting('BASE_URL', 'http://127.0.0.1:5100'));

export const urls = {
  /** The gateway: the only public door, so the users API is always measured through it. */
  api: apiUrl,
  /** Where /admin/v1 answers: the gateway by default, or one api instance directly. */
  admin: withoutTrailingSlash(textSetting('ADMIN_URL', apiUrl)),
  /** The email simulator, which is not behind the gateway. */
  simulator: withoutTrailingSlash(textSetting('SIMULATOR_URL', 'http://127.0.0.1:5104')),
};

/** The AppHost's secret parameter admin-api-key. */
export const adminKey = textSetting('ADMIN_KEY', '');

/** Where handleSummary writes `<script>.json`, relative to the directory k6 runs in; k6 does not create it. */
export const resultsDir = withoutTrailingSlash(textSetting('RESULTS_DIR', 'results'));

/** Per-request timeout: a request that hangs longer counts as failed rather than stalling its VU. */
export const requestTimeout = `${integerSetting('REQUEST_TIMEOUT_SECONDS', 10, 1, 300)}s`;

/** The statistics every Trend shows in the summary; p(99) is needed by the thresholds and the report. */
export const summaryTrendStats = ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'count'];

/**
 * What a run was: returned by setup(), so k6 puts it in the summary's setup_data, where the report reads it.
 * @typedef {{ script: string, profile: string, runId: string, startedAt: string, parameters: Record<string, unknown> }} RunInfo
 */

/**
 * @param {string} script
 * @param {Record<string, unknown>} parameters
 * @returns {RunInfo}
 */
export function runInfo(script, parameters) {
  // Made once in setup() and handed to every VU, so all of a run's emails share it and no two runs collide.
  const runId = textSetting('RUN_ID', `${Date.now().toString(36)}${Math.floor(Math.random() * 46656).toString(36)}`);
  if (!/^[a-z0-9-]{1,40}$/i.test(runId)) {
    throw new Error(`RUN_ID goes into email addresses: letters, digits and dashes only (at most 40), not '${runId}'.`);
  }

  return { script, profile, runId, startedAt: new Date().toISOString(), parameters };
}
