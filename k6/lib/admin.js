// The application's admin API (/admin/v1, header X-Admin-Key): the virtual clock and the message summary.
import http from 'k6/http';
import { adminKey, urls } from './config.js';
import { describeResponse, jsonBody, requestParams } from './requests.js';
import { parseInstant } from './time.js';

/**
 * @typedef {{ byStatus: Record<string, number>, pendingAndDue: number, oldestDueNotSent: string | null, now: string }} MessageSummary
 */

/**
 * @param {string} name
 * @param {number[]} expectedStatuses
 */
function adminParams(name, expectedStatuses) {
  return requestParams(name, expectedStatuses, { 'X-Admin-Key': adminKey });
}

/**
 * An error that says what to do about the usual causes, not just the status.
 * @param {string} what
 * @param {import('k6/http').RefinedResponse<any>} res
 * @returns {Error}
 */
function adminError(what, res) {
  let hint = '';
  if (res.status === 401) {
    hint = ' Pass the admin key with -e ADMIN_KEY=… (the AppHost parameter admin-api-key).';
  } else if (res.status === 404) {
    hint = ` Either ${urls.admin} does not route /admin/v1 (start the app with --Gateway:ExposeAdmin=true, or set ADMIN_URL`
      + ' to one api instance), or the app is not in virtual time and has no clock to move (--Parameters:clock-start=…).';
  }

  return new Error(`${what}: ${describeResponse(res)}.${hint}`);
}

/**
 * The application's virtual now.
 * @returns {number} ms since the epoch
 */
export function virtualNow() {
  const res = http.get(`${urls.admin}/admin/v1/clock`, adminParams('GET /admin/v1/clock', [200]));
  const body = jsonBody(res);
  if (res.status !== 200 || body === undefined || typeof body.now !== 'string') {
    throw adminError('Reading the virtual clock failed', res);
  }

  return parseInstant(body.now);
}

/**
 * Moves the whole application's clock forward to `targetMs`. A target the clock has already passed (409: another VU
 * moved it first, or real time overtook it) is not an error: the clock only goes forward, and callers read where it is.
 * @param {number} targetMs
 * @returns {{ moved: boolean, nowMs: number }}
 */
export function moveClockTo(targetMs) {
  const body = JSON.stringify({ now: new Date(targetMs).toISOString() });
  const res = http.put(`${urls.admin}/admin/v1/clock`, body, adminParams('PUT /admin/v1/clock', [200, 409]));
  if (res.status === 409) {
    return { moved: false, nowMs: virtualNow() };
  }

  const answer = jsonBody(res);
  if (res.status !== 200 || answer === undefined || typeof answer.now !== 'string') {
    throw adminError('Moving the virtual clock failed', res);
  }

  return { moved: true, nowMs: parseInstant(answer.now) };
}

/**
 * Messages by status across the whole application: a cheap progress signal, not a per-user truth.
 * @returns {MessageSummary}
 */
export function messageSummary() {
  const res = http.get(`${urls.admin}/admin/v1/messages/summary`, adminParams('GET /admin/v1/messages/summary', [200]));
  const body = jsonBody(res);
  if (res.status !== 200 || body === undefined || typeof body.byStatus !== 'object') {
    throw adminError('Reading the message summary failed', res);
  }

  return body;
}
