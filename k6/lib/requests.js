import http from 'k6/http';
import { requestTimeout } from './config.js';

/** @type {Record<string, ReturnType<typeof http.expectedStatuses>>} one per set of statuses, made once per VU, not per request */
const responseCallbacks = {};

/**
 * Request parameters shared by every call: a JSON body, the run-wide timeout, a `name` tag that groups URLs holding
 * ids (so metrics stay one series per endpoint, not one per user) and the statuses that count as success in
 * http_req_failed (a 409 from PUT /admin/v1/clock, say, is an answer, not a failure).
 * @param {string} name
 * @param {number[]} expectedStatuses
 * @param {Record<string, string>} [headers]
 * @returns {import('k6/http').Params}
 */
export function requestParams(name, expectedStatuses, headers) {
  const key = expectedStatuses.join(',');
  let responseCallback = responseCallbacks[key];
  if (responseCallback === undefined) {
    responseCallback = http.expectedStatuses(...expectedStatuses);
    responseCallbacks[key] = responseCallback;
  }

  return {
    headers: Object.assign({ 'Content-Type': 'application/json', Accept: 'application/json' }, headers || {}),
    timeout: requestTimeout,
    tags: { name },
    responseCallback,
  };
}

/**
 * The parsed JSON body, or undefined when there is none (an empty 5xx, a proxy's HTML page), so callers report the
 * status they got instead of a parse exception.
 * @param {import('k6/http').RefinedResponse<any>} res
 * @returns {any}
 */
export function jsonBody(res) {
  if (typeof res.body !== 'string' || res.body === '') {
    return undefined;
  }

  try {
    return JSON.parse(res.body);
  } catch (e) {
    return undefined;
  }
}

/**
 * One field of the parsed JSON body, or undefined when the body is not a JSON object. (`jsonBody(res)?.id` says the
 * same, but k6 0.48 cannot compile optional chaining.)
 * @param {import('k6/http').RefinedResponse<any>} res
 * @param {string} name
 * @returns {any}
 */
export function jsonField(res, name) {
  const body = jsonBody(res);
  return body !== null && typeof body === 'object' ? body[name] : undefined;
}

/**
 * One line saying what came back, for error messages: status, transport error, start of the body.
 * @param {import('k6/http').RefinedResponse<any>} res
 * @returns {string}
 */
export function describeResponse(res) {
  if (res.status === 0) {
    return `no answer (${res.error || 'connection failed'})`;
  }

  const body = typeof res.body === 'string' ? res.body.slice(0, 300) : '';
  return `HTTP ${res.status}${body === '' ? '' : `: ${body}`}`;
}
