// The users API (/api/v1/users, through the gateway) and the users the tests send to it.
import http from 'k6/http';
import exec from 'k6/execution';
import { urls } from './config.js';
import { jsonBody, requestParams } from './requests.js';

/**
 * The request body of POST /api/v1/users (UserRequestReader): names, email and timezone required, dates YYYY-MM-DD.
 * @typedef {{ firstName: string, lastName: string, email: string, timezone: string, birthdayDate: string | null,
 *   anniversaryDate?: string | null, locationCity?: string | null, locationCountry?: string | null }} NewUser
 * One of a user's messages (MessageResponse); dueAt and sentAt are the application's virtual instants.
 * @typedef {{ id: string, kind: string, localDate: string, dueAt: string, status: string, attempts: number,
 *   sentAt: string | null, lastError: string | null }} Message
 */

/** Statuses a message reaches once the scheduler has claimed it (Enqueued) or later. */
export const CLAIMED_STATUSES = ['Enqueued', 'Sending', 'Sent', 'Failed'];

/**
 * Whether the scheduler has claimed the message at some point. A send that failed and will be retried puts the message
 * back to Pending, with the attempt counted (or, when the vendor was not reached, its error noted), so Pending alone
 * does not mean "not yet claimed".
 * @param {Message} message
 * @returns {boolean}
 */
export function wasClaimed(message) {
  return CLAIMED_STATUSES.indexOf(message.status) >= 0 || message.attempts > 0 || message.lastError !== null;
}

/** Statuses a message never leaves without having been sent. */
export const UNSENT_END_STATUSES = ['Failed', 'Missed', 'Cancelled'];

const FIRST_NAMES = ['Ada', 'Grace', 'Alan', 'Katherine', 'Linus', 'Margaret', 'Dennis', 'Barbara', 'Ken', 'Frances'];
const LAST_NAMES = ['Lovelace', 'Hopper', 'Turing', 'Johnson', 'Torvalds', 'Hamilton', 'Ritchie', 'Liskov', 'Thompson', 'Allen'];
const PLACES = [
  ['London', 'United Kingdom'], ['New York', 'United States'], ['Kolkata', 'India'], ['Sydney', 'Australia'],
  ['Sao Paulo', 'Brazil'], ['Lagos', 'Nigeria'], ['Tokyo', 'Japan'], ['Auckland', 'New Zealand'],
];
const ZONES = [
  'Europe/London', 'America/New_York', 'Asia/Kolkata', 'Australia/Sydney', 'America/Sao_Paulo', 'Africa/Lagos',
  'Asia/Tokyo', 'Pacific/Auckland', 'America/Los_Angeles', 'Europe/Berlin', 'Asia/Kathmandu', 'Etc/UTC',
];

// Per VU (every VU has its own copy of this module), so together with the VU id it never repeats within a run.
let emailSequence = 0;

/**
 * @template T
 * @param {readonly T[]} items
 * @returns {T}
 */
export function pick(items) {
  return items[Math.floor(Math.random() * items.length)];
}

/**
 * @param {number} min
 * @param {number} max
 */
function between(min, max) {
  return min + Math.floor(Math.random() * (max - min + 1));
}

/** @param {number} n */
function twoDigits(n) {
  return n < 10 ? `0${n}` : `${n}`;
}

/**
 * An address no other live user has: emails are unique among live users, and the run id keeps runs apart too.
 * The .test top-level domain is reserved, and the simulator refuses only @bounce.test.
 * @param {string} runId
 * @param {string} label what made the user (api, scheduler, …), to tell the tests' users apart in the database
 * @returns {string}
 */
export function uniqueEmail(runId, label) {
  emailSequence += 1;
  return `${label}-${runId}-vu${exec.vu.idInTest}-${emailSequence}@k6.load.test`;
}

/**
 * A plausible user: a real IANA zone, a birthday in the past (days 1–28, so every year has it) and sometimes a
 * work anniversary after it.
 * @param {string} runId
 * @returns {NewUser}
 */
export function randomUser(runId) {
  const place = pick(PLACES);
  const birthYear = between(1955, 2002);
  const user = {
    firstName: pick(FIRST_NAMES),
    lastName: pick(LAST_NAMES),
    email: uniqueEmail(runId, 'api'),
    timezone: pick(ZONES),
    birthdayDate: `${birthYear}-${twoDigits(between(1, 12))}-${twoDigits(between(1, 28))}`,
    anniversaryDate: /** @type {string | null} */ (null),
    locationCity: place[0],
    locationCountry: place[1],
  };
  if (Math.random() < 0.5) {
    // 20 or more years after the birth year (at most 2002) and no later than 2024: after the birthday, never in the future.
    user.anniversaryDate = `${between(birthYear + 20, 2024)}-${twoDigits(between(1, 12))}-${twoDigits(between(1, 28))}`;
  }

  return user;
}

/**
 * A user whose only message (a birthday, no anniversary) is due at the instant `zone` and `birthday` were chosen for.
 * @param {string} email
 * @param {string} zone
 * @param {string} birthday YYYY-MM-DD
 * @returns {NewUser}
 */
export function dueUser(email, zone, birthday) {
  return { firstName: 'Due', lastName: 'Load', email, timezone: zone, birthdayDate: birthday, anniversaryDate: null };
}

/** @param {NewUser} user */
export function createUser(user) {
  return http.post(`${urls.api}/api/v1/users`, JSON.stringify(user), requestParams('POST /api/v1/users', [201]));
}

/** @param {string} id */
export function getUser(id) {
  return http.get(`${urls.api}/api/v1/users/${id}`, requestParams('GET /api/v1/users/{id}', [200]));
}

/**
 * @param {string} id
 * @param {Partial<NewUser>} changes
 */
export function updateUser(id, changes) {
  return http.put(`${urls.api}/api/v1/users/${id}`, JSON.stringify(changes), requestParams('PUT /api/v1/users/{id}', [200]));
}

/** @param {string} id */
export function deleteUser(id) {
  return http.del(`${urls.api}/api/v1/users/${id}`, null, requestParams('DELETE /api/v1/users/{id}', [204]));
}

/** @param {string} id */
function messagesUrl(id) {
  return `${urls.api}/api/v1/users/${id}/messages`;
}

/** @param {string} id */
export function getMessages(id) {
  return http.get(messagesUrl(id), requestParams('GET /api/v1/users/{id}/messages', [200]));
}

/**
 * GET /api/v1/users/{id}/messages as an http.batch request, since the tests read many users' histories at once.
 * @param {string} id
 * @returns {import('k6/http').ObjectBatchRequest}
 */
export function messagesRequest(id) {
  return { method: 'GET', url: messagesUrl(id), params: requestParams('GET /api/v1/users/{id}/messages', [200]) };
}

/**
 * The user's message for one kind and local date, or undefined (no such message, or no readable answer).
 * @param {import('k6/http').RefinedResponse<any>} res a response to messagesRequest
 * @param {string} kind
 * @param {string} localDate
 * @returns {Message | undefined}
 */
export function findMessage(res, kind, localDate) {
  const body = jsonBody(res);
  if (res.status !== 200 || !Array.isArray(body)) {
    return undefined;
  }

  return /** @type {Message[]} */ (body).find((m) => m.kind === kind && m.localDate === localDate);
}

/**
 * The id in a 201 answer to POST /api/v1/users, or undefined.
 * @param {import('k6/http').RefinedResponse<any>} res
 * @returns {string | undefined}
 */
export function createdId(res) {
  const body = jsonBody(res);
  return res.status === 201 && body !== undefined && typeof body.id === 'string' ? body.id : undefined;
}

/**
 * Creates users `concurrency` at a time (http.batch), stopping early once `shouldStop` says so.
 * @param {NewUser[]} users
 * @param {number} concurrency
 * @param {() => boolean} shouldStop checked before each batch, e.g. "the due instant is getting close"
 * @returns {{ ids: string[], emails: string[], failures: number, stopped: boolean }} the created users' ids and
 *   addresses, in the same order
 */
export function createUsersConcurrently(users, concurrency, shouldStop) {
  /** @type {string[]} */
  const ids = [];
  /** @type {string[]} */
  const emails = [];
  let failures = 0;
  for (let start = 0; start < users.length; start += concurrency) {
    if (shouldStop()) {
      return { ids, emails, failures, stopped: true };
    }

    const chunk = users.slice(start, start + concurrency);
    /** @type {import('k6/http').ObjectBatchRequest[]} */
    const batch = chunk.map((user) => (
      { method: 'POST', url: `${urls.api}/api/v1/users`, body: JSON.stringify(user), params: requestParams('POST /api/v1/users', [201]) }));
    http.batch(batch).forEach((res, i) => {
      const id = createdId(res);
      if (id === undefined) {
        failures += 1;
      } else {
        ids.push(id);
        emails.push(chunk[i].email);
      }
    });
  }

  return { ids, emails, failures, stopped: false };
}
