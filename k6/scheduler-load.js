// Scheduler load: USERS users all due at one instant T (a whole UTC hour in the application's virtual time), the
// clock moved to T, and how long until every one of their messages is claimed (Enqueued or further) and Sent, read
// from each user's message history.
//
// Needs the admin API through the gateway (Gateway:ExposeAdmin), the application in virtual time (clock-start),
// and the gateway's rate limits off:
//   ./scripts/run.sh --Gateway:RateLimits:Disabled=true --Gateway:ExposeAdmin=true \
//     --Parameters:clock-start=2027-06-01T07:50:00Z
//   cd k6 && k6 run -e ADMIN_KEY=… -e USERS=1000 scheduler-load.js
// Settings: USERS (default 1000), DEADLINE_SECONDS (all Sent within this after T, default 300), LEAD_MINUTES (T is at
// least this far ahead of virtual now, time enough to create the users, default 10), CONCURRENCY (parallel requests
// when creating and polling, default 50), POLL_INTERVAL_SECONDS (default 2), BASE_URL, ADMIN_URL, ADMIN_KEY,
// RESULTS_DIR, RUN_ID. PROFILE=ci makes the defaults small (USERS 50, DEADLINE_SECONDS 120). It moves the whole
// application's clock forward by up to an hour and a bit: run it alone.
//
// The users are created in the one measuring iteration, not in setup(): k6 copies setup()'s answer into every VU and
// into the summary, and thousands of ids have no business there.
import http from 'k6/http';
import { check, sleep } from 'k6';
import exec from 'k6/execution';
import { Counter, Gauge, Trend } from 'k6/metrics';
import { integerSetting, profile, runInfo, summaryTrendStats } from './lib/config.js';
import { messageSummary, moveClockTo, virtualNow } from './lib/admin.js';
import { requireGateway, requireVirtualClock } from './lib/preflight.js';
import { summaryOutputs } from './lib/summary.js';
import { SECOND_MS, birthdayOn, formatInstant, nextWholeHour, nineAmAt, parseInstant } from './lib/time.js';
import {
  UNSENT_END_STATUSES, createUsersConcurrently, dueUser, findMessage, getMessages, messagesRequest, uniqueEmail, wasClaimed,
} from './lib/users.js';

const USERS = integerSetting('USERS', profile === 'ci' ? 50 : 1000, 1, 200000);
const DEADLINE_SECONDS = integerSetting('DEADLINE_SECONDS', profile === 'ci' ? 120 : 300, 10, 6 * 3600);
const LEAD_MINUTES = integerSetting('LEAD_MINUTES', 10, 2, 23 * 60);
const CONCURRENCY = integerSetting('CONCURRENCY', 50, 1, 500);
const POLL_INTERVAL_SECONDS = integerSetting('POLL_INTERVAL_SECONDS', 2, 1, 60);

/** Creation stops this long before T: a user created after 09:00 local would be due next year instead. */
const CREATION_MARGIN_MS = 60 * SECOND_MS;
/** The clock is put this far before T, so every service has followed it (within ~1 s) when T comes. */
const CLOCK_LEAD_MS = 2 * SECOND_MS;
const PROGRESS_EVERY_MS = 10 * SECOND_MS;

const timeToAllClaimed = new Gauge('time_to_all_enqueued_ms', true);
const timeToAllSent = new Gauge('time_to_all_sent_ms', true);
const sentPerSecond = new Gauge('sent_per_second');
// Exact: sentAt − dueAt, both virtual instants of a clock running at real speed after the move.
const deliveryLag = new Trend('delivery_lag_ms', true);
// An upper bound: the first poll that saw the message claimed (or its sentAt, if earlier); a poll round is the resolution.
const claimLag = new Trend('enqueue_lag_ms', true);
const messagesSent = new Counter('messages_sent');
const messagesUnsent = new Counter('messages_unsent');
const messagesNotDelivered = new Counter('messages_not_delivered');
const messagesMisplanned = new Counter('messages_misplanned');
const createFailures = new Counter('create_failures');

/** @type {import('k6/options').Options} */
export const options = {
  scenarios: {
    burst: {
      executor: 'per-vu-iterations',
      vus: 1,
      iterations: 1,
      // Creation may use up to the lead time, then delivery up to the deadline; past both the run is over regardless.
      maxDuration: `${LEAD_MINUTES * 60 + DEADLINE_SECONDS + 120}s`,
    },
  },
  batch: CONCURRENCY,
  batchPerHost: CONCURRENCY,
  thresholds: {
    messages_unsent: ['count==0'],
    messages_not_delivered: ['count==0'],
    messages_misplanned: ['count==0'],
    create_failures: ['count==0'],
    time_to_all_sent_ms: [`value<${DEADLINE_SECONDS * SECOND_MS}`],
  },
  summaryTrendStats,
};

export function setup() {
  requireGateway();
  requireVirtualClock();
  return runInfo('scheduler-load', { users: USERS, deadlineSeconds: DEADLINE_SECONDS, leadMinutes: LEAD_MINUTES, concurrency: CONCURRENCY });
}

/**
 * Every user's birthday message, tracked until it is Sent or ends unsent.
 * @typedef {{ id: string, claimedAfterMs: number | undefined }} Tracked
 */

/** @param {import('./lib/config.js').RunInfo} run */
export default function burst(run) {
  // Zero samples make every threshold's metric exist even when nothing of its kind happens.
  [messagesSent, messagesUnsent, messagesNotDelivered, messagesMisplanned, createFailures].forEach((c) => c.add(0));

  const startVirtual = virtualNow();
  const startReal = Date.now();
  const dueMs = nextWholeHour(startVirtual, LEAD_MINUTES * 60 * SECOND_MS);
  const { zone, localDate } = nineAmAt(dueMs);
  const birthday = birthdayOn(localDate);
  console.log(`[scheduler-load] ${USERS} users in ${zone}, born ${birthday}: due at ${formatInstant(dueMs)} (virtual now ${formatInstant(startVirtual)}).`);

  const users = [];
  for (let i = 0; i < USERS; i++) {
    users.push(dueUser(uniqueEmail(run.runId, 'scheduler'), zone, birthday));
  }

  const created = createUsersConcurrently(users, CONCURRENCY, () => startVirtual + (Date.now() - startReal) >= dueMs - CREATION_MARGIN_MS);
  createFailures.add(created.failures);
  if (created.stopped) {
    exec.test.abort(`Creating ${USERS} users took longer than the ${LEAD_MINUTES} min lead; raise LEAD_MINUTES.`);
  }

  if (created.ids.length === 0) {
    exec.test.abort('No user could be created; see the http_req_failed figures and the api logs.');
  }

  console.log(`[scheduler-load] created ${created.ids.length} users (${created.failures} failed) in ${((Date.now() - startReal) / 1000).toFixed(1)} s.`);

  // One user's plan proves the zone and date maths before an hour of virtual time is spent on it.
  const planned = findMessage(getMessages(created.ids[0]), 'birthday', localDate);
  const planOk = check(planned, { 'plan: the birthday message is due at T': (m) => m !== undefined && parseInstant(m.dueAt) === dueMs });
  if (!planOk) {
    exec.test.abort(`The first user's birthday message is not due at ${formatInstant(dueMs)}: ${JSON.stringify(planned)}.`);
  }

  const moved = moveClockTo(dueMs - CLOCK_LEAD_MS);
  if (moved.nowMs >= dueMs) {
    exec.test.abort(`Something else moved the clock past T (${formatInstant(moved.nowMs)}); run this test alone.`);
  }

  // The real instant the virtual clock reaches T; from here on virtual time runs at real speed.
  const dueReal = Date.now() + (dueMs - moved.nowMs);
  track(created.ids.map((id) => ({ id, claimedAfterMs: undefined })), dueMs, dueReal, localDate);
}

/**
 * Polls the open users' histories every POLL_INTERVAL_SECONDS until each message is Sent or ends unsent, or the
 * deadline passes, and records the figures.
 * @param {Tracked[]} tracked
 * @param {number} dueMs
 * @param {number} dueReal
 * @param {string} localDate
 */
function track(tracked, dueMs, dueReal, localDate) {
  const giveUpAt = dueReal + DEADLINE_SECONDS * SECOND_MS;
  const maxRounds = Math.ceil(DEADLINE_SECONDS / POLL_INTERVAL_SECONDS) + 1;
  sleep(Math.max(0, dueReal - Date.now()) / 1000);

  let open = tracked;
  let sent = 0;
  let lastSentLag = 0;
  let nextProgressAt = Date.now() + PROGRESS_EVERY_MS;
  for (let round = 0; round < maxRounds && open.length > 0 && Date.now() < giveUpAt; round++) {
    const roundStart = Date.now();
    /** @type {Tracked[]} */
    const stillOpen = [];
    for (let start = 0; start < open.length; start += CONCURRENCY) {
      const chunk = open.slice(start, start + CONCURRENCY);
      const responses = http.batch(chunk.map((t) => messagesRequest(t.id)));
      const seenAfterMs = Date.now() - dueReal;
      chunk.forEach((t, i) => {
        const res = responses[i];
        const message = findMessage(res, 'birthday', localDate);
        if (message === undefined) {
          if (res.status === 200) {
            // Answered, but no message for that date: planned for another day (created after 09:00 local?).
            messagesMisplanned.add(1);
          } else {
            stillOpen.push(t);
          }

          return;
        }

        if (message.status === 'Sent' && message.sentAt !== null) {
          const lag = parseInstant(message.sentAt) - dueMs;
          if (t.claimedAfterMs === undefined) {
            // Claimed before it was sent, so no later than sentAt, which may be well before this poll.
            t.claimedAfterMs = Math.min(seenAfterMs, lag);
            claimLag.add(t.claimedAfterMs);
          }

          deliveryLag.add(lag);
          lastSentLag = Math.max(lastSentLag, lag);
          messagesSent.add(1);
          sent += 1;
          return;
        }

        if (t.claimedAfterMs === undefined && wasClaimed(message)) {
          t.claimedAfterMs = seenAfterMs;
          claimLag.add(seenAfterMs);
        }

        if (UNSENT_END_STATUSES.indexOf(message.status) >= 0) {
          messagesNotDelivered.add(1);
          console.warn(`[scheduler-load] user ${t.id}: ${message.status} after ${message.attempts} attempts (${message.lastError}).`);
        } else {
          stillOpen.push(t);
        }
      });
    }

    open = stillOpen;
    if (Date.now() >= nextProgressAt) {
      nextProgressAt = Date.now() + PROGRESS_EVERY_MS;
      console.log(`[scheduler-load] ${((Date.now() - dueReal) / 1000).toFixed(0)} s after T: ${sent} sent, ${open.length} open; all messages by status: ${progressSignal()}`);
    }

    sleep(Math.max(0, POLL_INTERVAL_SECONDS * SECOND_MS - (Date.now() - roundStart)) / 1000);
  }

  record(tracked, open, sent, lastSentLag, dueReal);
}

/**
 * @param {Tracked[]} tracked every user
 * @param {Tracked[]} open the users still unsent at the end
 * @param {number} sent
 * @param {number} lastSentLag
 * @param {number} dueReal
 */
function record(tracked, open, sent, lastSentLag, dueReal) {
  messagesUnsent.add(open.length);
  if (sent === tracked.length) {
    timeToAllSent.add(lastSentLag);
    sentPerSecond.add(sent / Math.max(lastSentLag / 1000, 0.001));
  } else {
    // Not every message was sent: the time the run stopped waiting, a lower bound (the deadline, unless the rest ended
    // Failed, Missed or Cancelled, which their own thresholds report).
    timeToAllSent.add(Date.now() - dueReal);
  }

  let unclaimed = 0;
  let lastClaimLag = 0;
  for (const t of tracked) {
    if (t.claimedAfterMs === undefined) {
      unclaimed += 1;
    } else {
      lastClaimLag = Math.max(lastClaimLag, t.claimedAfterMs);
    }
  }

  if (unclaimed === 0) {
    timeToAllClaimed.add(lastClaimLag);
  } else {
    console.warn(`[scheduler-load] ${unclaimed} messages were never seen claimed; time_to_all_enqueued_ms is not recorded.`);
  }

  const last = sent === 0 ? '' : `; the last ${(lastSentLag / 1000).toFixed(1)} s after T`;
  console.log(`[scheduler-load] ${sent} of ${tracked.length} sent${last}.`);
}

/** The admin summary's counts, or why there are none: a progress signal only, so its failure does not end the run. */
function progressSignal() {
  try {
    return JSON.stringify(messageSummary().byStatus);
  } catch (e) {
    return `(summary unavailable: ${e})`;
  }
}

/** @param {import('./lib/summary.js').SummaryData} data */
export function handleSummary(data) {
  return summaryOutputs('scheduler-load', data);
}
