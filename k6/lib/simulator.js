// The email simulator, the vendor's stand-in: what it received and how badly it behaves. It is not behind the gateway.
import http from 'k6/http';
import { urls } from './config.js';
import { describeResponse, jsonBody, requestParams } from './requests.js';

/**
 * @typedef {{ requests: number, deliveries: number, duplicateRequests: number, duplicateDeliveries: number,
 *   errors: number, hangs: number, lostAnswers: number, throttled: number, outageRejections: number,
 *   invalid: number, invalidRecipients: number }} SimulatorStats
 * @typedef {{ messageId: string, email: string, message: string, idempotencyKey: string | null, deliveredAt: string }} SentEmail
 * @typedef {Record<string, number | string | null>} FailureModes
 */

/**
 * @param {string} what
 * @param {import('k6/http').RefinedResponse<any>} res
 * @returns {Error}
 */
function simulatorError(what, res) {
  return new Error(`${what} at ${urls.simulator}: ${describeResponse(res)}. Is the email simulator running (SIMULATOR_URL)?`);
}

/** @returns {SimulatorStats} */
export function simulatorStats() {
  const res = http.get(`${urls.simulator}/stats`, requestParams('GET simulator /stats', [200]));
  const body = jsonBody(res);
  if (res.status !== 200 || body === undefined || typeof body.deliveries !== 'number') {
    throw simulatorError('Reading the simulator stats failed', res);
  }

  return body;
}

/**
 * What the simulator delivered to one address, oldest first.
 * @param {string} email
 * @returns {SentEmail[]}
 */
export function deliveriesTo(email) {
  const res = http.get(`${urls.simulator}/sent?limit=10&email=${encodeURIComponent(email)}`, requestParams('GET simulator /sent', [200]));
  const body = jsonBody(res);
  if (res.status !== 200 || !Array.isArray(body)) {
    throw simulatorError('Reading the simulator deliveries failed', res);
  }

  return body;
}

/** The most deliveries one GET /sent lists. */
export const MAX_SENT_LIMIT = 10000;

/**
 * The latest deliveries to anyone, oldest first: since the last reset, as long as there were at most `limit`.
 * @param {number} limit 1 to MAX_SENT_LIMIT
 * @returns {SentEmail[]}
 */
export function latestDeliveries(limit) {
  const res = http.get(`${urls.simulator}/sent?limit=${limit}`, requestParams('GET simulator /sent', [200]));
  const body = jsonBody(res);
  if (res.status !== 200 || !Array.isArray(body)) {
    throw simulatorError('Reading the simulator deliveries failed', res);
  }

  return body;
}

/** @returns {FailureModes} */
export function failureModes() {
  const res = http.get(`${urls.simulator}/admin/failure-modes`, requestParams('GET simulator /admin/failure-modes', [200]));
  const body = jsonBody(res);
  if (res.status !== 200 || body === undefined) {
    throw simulatorError('Reading the failure modes failed', res);
  }

  return body;
}

/**
 * Replaces every failure mode: a property left out takes its default (ErrorRate 0.10, for one), so callers send
 * the whole set they mean.
 * @param {FailureModes} modes
 * @returns {FailureModes}
 */
export function replaceFailureModes(modes) {
  const res = http.put(`${urls.simulator}/admin/failure-modes`, JSON.stringify(modes), requestParams('PUT simulator /admin/failure-modes', [200]));
  const body = jsonBody(res);
  if (res.status !== 200 || body === undefined) {
    throw simulatorError('Replacing the failure modes failed', res);
  }

  return body;
}

/** Forgets deliveries, idempotency keys and counters; failure modes stay. */
export function resetSimulator() {
  const res = http.post(`${urls.simulator}/admin/reset`, null, requestParams('POST simulator /admin/reset', [204]));
  if (res.status !== 204) {
    throw simulatorError('Resetting the simulator failed', res);
  }
}
