import { sleep } from 'k6';
import { messageSummary } from './admin.js';

/**
 * Asks `probe` every `intervalMs` until it returns something other than undefined, for at most `timeoutMs`
 * (and at most timeout/interval + 1 times, so the loop is bounded even if the clock misbehaves).
 * @template T
 * @param {() => T | undefined} probe
 * @param {number} timeoutMs
 * @param {number} intervalMs
 * @returns {T | undefined} the probe's answer, or undefined on timeout
 */
export function waitFor(probe, timeoutMs, intervalMs) {
  const deadline = Date.now() + timeoutMs;
  const maxAttempts = Math.ceil(timeoutMs / intervalMs) + 1;
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    const answer = probe();
    if (answer !== undefined) {
      return answer;
    }

    const left = deadline - Date.now();
    if (left <= 0) {
      break;
    }

    sleep(Math.min(intervalMs, left) / 1000);
  }

  return undefined;
}

/**
 * Waits until no message anywhere in the application is due and still unsent (the admin summary's oldestDueNotSent
 * is null). Moving the clock forward while one is on its way would add the jump to that message's measured latency.
 * @param {number} timeoutMs
 * @returns {boolean} true when quiet, false on timeout
 */
export function waitForNothingDue(timeoutMs) {
  return waitFor(() => (messageSummary().oldestDueNotSent === null ? true : undefined), timeoutMs, 1000) === true;
}
