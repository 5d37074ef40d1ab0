// Worker throughput: deliveries per second at the email simulator for several vendor failure rates. For each rate:
// set the simulator's failure modes, reset its counters, make USERS users due at one instant (a whole UTC hour in
// virtual time), move the clock there, and sample the simulator's /stats every half second until every one of those
// users has been delivered to. Figures are tagged failure_rate:<rate>; duplicate deliveries must stay at 0 whatever the rate.
//
// Needs the admin API through the gateway (Gateway:ExposeAdmin), the application in virtual time (clock-start),
// the simulator, and the gateway's rate limits off:
//   ./scripts/run.sh --Gateway:RateLimits:Disabled=true --Gateway:ExposeAdmin=true \
//     --Parameters:clock-start=2027-06-01T07:50:00Z
//   cd k6 && k6 run -e ADMIN_KEY=… -e FAILURE_RATES=0,0.1,0.3 worker-throughput.js
// Settings: FAILURE_RATES (the simulator's ErrorRate per round, default 0,0.1,0.3), USERS (per round, default 500, at
// most 10000, the most one GET /sent lists),
// ROUND_TIMEOUT_SECONDS (longest wait for a round's deliveries, default 300), MIN_DELIVERIES_PER_SECOND (threshold,
// default 1), LEAD_MINUTES (default 5), CONCURRENCY (default 50), BASE_URL, ADMIN_URL, ADMIN_KEY, SIMULATOR_URL,
// RESULTS_DIR, RUN_ID. PROFILE=ci makes the defaults small (USERS 30, ROUND_TIMEOUT_SECONDS 120). The simulator's
// failure modes are put back as they were at the end. It moves the application's clock forward about an hour per
// round: run it alone.
//
// The simulator counts every delivery: a user of another test due in the same virtual hour, or a retry left by a round
// that timed out (the clock jump of the next round makes it due at once, so it is delivered first), counts too. So a
// round is over only when the simulator's list of deliveries (GET /sent) has every one of its own addresses; what
// else was delivered during it is counted in other_deliveries. The vendor request and error counts are the simulator's
// totals, theirs included; the console says when a round timed out.
import { sleep } from 'k6';
import exec from 'k6/execution';
import { Counter, Gauge, Trend } from 'k6/metrics';
import { integerSetting, numberListSetting, numberSetting, profile, runInfo, summaryTrendStats } from './lib/config.js';
import { moveClockTo, virtualNow } from './lib/admin.js';
import { requireGateway, requireSimulator, requireVirtualClock } from './lib/preflight.js';
import { MAX_SENT_LIMIT, failureModes, latestDeliveries, replaceFailureModes, resetSimulator, simulatorStats } from './lib/simulator.js';
import { summaryOutputs } from './lib/summary.js';
import { SECOND_MS, birthdayOn, formatInstant, nextWholeHour, nineAmAt } from './lib/time.js';
import { createUsersConcurrently, dueUser, uniqueEmail } from './lib/users.js';

const FAILURE_RATES = numberListSetting('FAILURE_RATES', [0, 0.1, 0.3], 0, 1);
const USERS = integerSetting('USERS', profile === 'ci' ? 30 : 500, 1, MAX_SENT_LIMIT);
const ROUND_TIMEOUT_SECONDS = integerSetting('ROUND_TIMEOUT_SECONDS', profile === 'ci' ? 120 : 300, 10, 6 * 3600);
const MIN_DELIVERIES_PER_SECOND = numberSetting('MIN_DELIVERIES_PER_SECOND', 1, 0, 100000);
const LEAD_MINUTES = integerSetting('LEAD_MINUTES', 5, 2, 23 * 60);
const CONCURRENCY = integerSetting('CONCURRENCY', 50, 1, 500);

const CREATION_MARGIN_MS = 60 * SECOND_MS;
const CLOCK_LEAD_MS = 2 * SECOND_MS;
const SAMPLE_INTERVAL_MS = SECOND_MS / 2;

// Per round (tag failure_rate): users delivered ÷ seconds from the due instant to the last of them.
const deliveriesPerSecond = new Gauge('deliveries_per_second');
// Per half-second sample (as a rate per second): how fast the simulator delivered while the round ran (to anyone).
const deliveriesPerSecondSample = new Trend('deliveries_per_second_sample');
const timeToAllDelivered = new Gauge('time_to_all_delivered_ms', true);
// This round's users delivered to (each counted once), and deliveries to anyone else during the round.
const deliveries = new Counter('deliveries');
const otherDeliveries = new Counter('other_deliveries');
const duplicateDeliveries = new Counter('duplicate_deliveries');
const undelivered = new Counter('undelivered_messages');
const vendorRequests = new Counter('vendor_requests');
const vendorErrors = new Counter('vendor_errors');
const createFailures = new Counter('create_failures');

/** @param {number} rate */
function rateTag(rate) {
  return String(rate);
}

/** @type {Record<string, string[]>} */
const thresholds = {
  duplicate_deliveries: ['count==0'],
  undelivered_messages: ['count==0'],
  create_failures: ['count==0'],
};
for (const rate of FAILURE_RATES) {
  // A threshold on each tagged sub-metric also makes k6 list it in the summary, which is where the report reads it.
  thresholds[`deliveries_per_second{failure_rate:${rateTag(rate)}}`] = [`value>=${MIN_DELIVERIES_PER_SECOND}`];
  thresholds[`time_to_all_delivered_ms{failure_rate:${rateTag(rate)}}`] = [`value<${ROUND_TIMEOUT_SECONDS * SECOND_MS}`];
  thresholds[`duplicate_deliveries{failure_rate:${rateTag(rate)}}`] = ['count==0'];
  thresholds[`deliveries_per_second_sample{failure_rate:${rateTag(rate)}}`] = ['max>0'];
}

/** @type {import('k6/options').Options} */
export const options = {
  scenarios: {
    rounds: {
      executor: 'per-vu-iterations',
      vus: 1,
      iterations: 1,
      maxDuration: `${FAILURE_RATES.length * (LEAD_MINUTES * 60 + ROUND_TIMEOUT_SECONDS + 60) + 60}s`,
    },
  },
  batch: CONCURRENCY,
  batchPerHost: CONCURRENCY,
  thresholds,
  summaryTrendStats,
};

export function setup() {
  requireGateway();
  requireVirtualClock();
  requireSimulator();
  const info = runInfo('worker-throughput', {
    failureRates: FAILURE_RATES, usersPerRound: USERS, roundTimeoutSeconds: ROUND_TIMEOUT_SECONDS, concurrency: CONCURRENCY,
  });
  return Object.assign(info, { failureModesBefore: failureModes() });
}

/** @param {import('./lib/config.js').RunInfo} run */
export default function rounds(run) {
  for (const rate of FAILURE_RATES) {
    round(run, rate);
  }
}

/**
 * @param {import('./lib/config.js').RunInfo} run
 * @param {number} rate
 */
function round(run, rate) {
  const tags = { failure_rate: rateTag(rate) };
  // Every other mode at its default (no hangs, no latency, no rate limit), so the error rate is the only variable.
  replaceFailureModes({ errorRate: rate });
  resetSimulator();

  const startVirtual = virtualNow();
  const startReal = Date.now();
  const dueMs = nextWholeHour(startVirtual, LEAD_MINUTES * 60 * SECOND_MS);
  const { zone, localDate } = nineAmAt(dueMs);
  const users = [];
  for (let i = 0; i < USERS; i++) {
    users.push(dueUser(uniqueEmail(run.runId, `worker${Math.round(rate * 100)}`), zone, birthdayOn(localDate)));
  }

  const created = createUsersConcurrently(users, CONCURRENCY, () => startVirtual + (Date.now() - startReal) >= dueMs - CREATION_MARGIN_MS);
  createFailures.add(created.failures, tags);
  if (created.stopped || created.ids.length === 0) {
    exec.test.abort(`Failure rate ${rate}: ${created.ids.length} of ${USERS} users created before T; raise LEAD_MINUTES or lower USERS.`);
  }

  const moved = moveClockTo(dueMs - CLOCK_LEAD_MS);
  if (moved.nowMs >= dueMs) {
    exec.test.abort(`Something else moved the clock past T (${formatInstant(moved.nowMs)}); run this test alone.`);
  }

  const dueReal = Date.now() + (dueMs - moved.nowMs);
  console.log(`[worker-throughput] failure rate ${rate}: ${created.ids.length} users due at ${formatInstant(dueMs)}.`);
  sample(created.emails, dueReal, tags);
}

/**
 * Of the deliveries since the round's reset, how many of `ours` (lower-case addresses) were delivered to, and how many
 * deliveries went to anyone else.
 * @param {Set<string>} ours
 * @returns {{ delivered: number, others: number }}
 */
function countDeliveries(ours) {
  const seen = new Set();
  let others = 0;
  for (const sent of latestDeliveries(MAX_SENT_LIMIT)) {
    const email = sent.email.toLowerCase();
    if (ours.has(email)) {
      seen.add(email);
    } else {
      others += 1;
    }
  }

  return { delivered: seen.size, others };
}

/**
 * Samples /stats every half second from the due instant until every address in `emails` was delivered to, or the
 * round times out.
 * @param {string[]} emails this round's users
 * @param {number} dueReal the real instant the virtual clock reaches T
 * @param {{ failure_rate: string }} tags
 */
function sample(emails, dueReal, tags) {
  const expected = emails.length;
  const ours = new Set(emails.map((email) => email.toLowerCase()));
  sleep(Math.max(0, dueReal - Date.now()) / 1000);
  const giveUpAt = dueReal + ROUND_TIMEOUT_SECONDS * SECOND_MS;
  const maxSamples = Math.ceil(ROUND_TIMEOUT_SECONDS * SECOND_MS / SAMPLE_INTERVAL_MS) + 1;
  let previous = { at: Date.now(), deliveries: 0 };
  let stats = simulatorStats();
  let doneAfterMs = -1;
  for (let i = 0; i < maxSamples && Date.now() < giveUpAt; i++) {
    sleep(SAMPLE_INTERVAL_MS / 1000);
    stats = simulatorStats();
    const now = Date.now();
    deliveriesPerSecondSample.add((stats.deliveries - previous.deliveries) / ((now - previous.at) / 1000), tags);
    previous = { at: now, deliveries: stats.deliveries };
    // The counter counts deliveries to anyone; only once it could include all of ours is the list worth reading.
    if (stats.deliveries >= expected && countDeliveries(ours).delivered >= expected) {
      doneAfterMs = now - dueReal;
      break;
    }
  }

  const counted = countDeliveries(ours);
  deliveries.add(counted.delivered, tags);
  otherDeliveries.add(counted.others, tags);
  duplicateDeliveries.add(stats.duplicateDeliveries, tags);
  vendorRequests.add(stats.requests, tags);
  vendorErrors.add(stats.errors, tags);
  undelivered.add(expected - counted.delivered, tags);
  const others = counted.others === 0 ? '' : ` (and ${counted.others} deliveries to other addresses)`;
  if (doneAfterMs < 0) {
    // Not all delivered: the time waited (a lower bound), so the round's threshold fails.
    timeToAllDelivered.add(Date.now() - dueReal, tags);
    deliveriesPerSecond.add(counted.delivered / ((Date.now() - dueReal) / 1000), tags);
    console.warn(`[worker-throughput] failure rate ${tags.failure_rate}: timed out with ${counted.delivered} of ${expected} delivered${others}; `
      + 'their retries may land in a later round, counted there as other deliveries.');
    return;
  }

  timeToAllDelivered.add(doneAfterMs, tags);
  deliveriesPerSecond.add(expected / Math.max(doneAfterMs / 1000, 0.001), tags);
  console.log(`[worker-throughput] failure rate ${tags.failure_rate}: ${expected} delivered in ${(doneAfterMs / 1000).toFixed(1)} s${others}, `
    + `${stats.requests} vendor requests, ${stats.duplicateDeliveries} duplicate deliveries.`);
}

/** @param {import('./lib/config.js').RunInfo & { failureModesBefore: import('./lib/simulator.js').FailureModes }} run */
export function teardown(run) {
  replaceFailureModes(run.failureModesBefore);
}

/** @param {import('./lib/summary.js').SummaryData} data */
export function handleSummary(data) {
  return summaryOutputs('worker-throughput', data);
}
