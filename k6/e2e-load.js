// End to end under load: every iteration creates a user whose birthday message is due a few seconds ahead in virtual
// time, waits until the message is Sent and the simulator has it, and records the latency from the due instant to
// delivery (sentAt − dueAt from the user's message history; both are virtual instants, and the virtual clock runs at
// real speed, so the difference is real time).
//
// How a message becomes due "now": messages are due at 09:00 local, so for the next whole UTC hour H there is an
// Etc/GMT zone whose 09:00 is H. An iteration moves the clock to a few seconds before H (unless it already is), then
// creates its user in that zone with a birthday on H's local date. Iterations that arrive while H is close share it;
// the clock only jumps to the next hour once nothing due is still on its way (admin summary), since a jump while a
// message is in flight would add the jump to its latency. If that wait times out (a message on its way for over a
// minute), the clock is moved anyway; a message of this test sent after such a jump is left out of the latency figures
// and counted in e2e_clock_jumped, whose threshold (0) then fails the run: the slowest deliveries went unmeasured.
//
// Needs the admin API through the gateway (Gateway:ExposeAdmin), the application in virtual time (clock-start),
// the simulator, and the gateway's rate limits off:
//   ./scripts/run.sh --Gateway:RateLimits:Disabled=true --Gateway:ExposeAdmin=true \
//     --Parameters:clock-start=2027-06-01T07:50:00Z
//   cd k6 && k6 run -e ADMIN_KEY=… -e PROFILE=ci e2e-load.js
// Settings: PROFILE (ci: about a minute with 2 VUs; full, the default: about 6.5 minutes up to 25 VUs), P95_MS and
// P99_MS (latency thresholds, default 5000 and 8000), E2E_TIMEOUT_SECONDS (longest wait for one delivery, default 120),
// FAILURE_RATE (sets the simulator's ErrorRate for the run and puts the old failure modes back at the end; unset, the
// simulator is left as it is), BASE_URL, ADMIN_URL, ADMIN_KEY, SIMULATOR_URL, RESULTS_DIR, RUN_ID. Run it alone: it
// moves the application's clock forward about an hour per round of iterations.
import { check, sleep } from 'k6';
import { Counter, Rate, Trend } from 'k6/metrics';
import { integerSetting, numberSetting, profile, runInfo, summaryTrendStats, textSetting } from './lib/config.js';
import { moveClockTo, virtualNow } from './lib/admin.js';
import { requireGateway, requireSimulator, requireVirtualClock } from './lib/preflight.js';
import { deliveriesTo, failureModes, replaceFailureModes } from './lib/simulator.js';
import { summaryOutputs } from './lib/summary.js';
import { SECOND_MS, birthdayOn, nextWholeHour, nineAmAt, parseInstant } from './lib/time.js';
import { UNSENT_END_STATUSES, createUser, createdId, dueUser, findMessage, getMessages, uniqueEmail } from './lib/users.js';
import { waitFor, waitForNothingDue } from './lib/wait.js';

const STAGES = {
  ci: [
    { duration: '10s', target: 2 },
    { duration: '40s', target: 2 },
    { duration: '10s', target: 0 },
  ],
  full: [
    { duration: '1m', target: 10 },
    { duration: '3m', target: 10 },
    { duration: '30s', target: 25 },
    { duration: '1m', target: 25 },
    { duration: '1m', target: 0 },
  ],
};

const P95_MS = integerSetting('P95_MS', 5000, 1, 3600 * SECOND_MS);
const P99_MS = integerSetting('P99_MS', 8000, 1, 3600 * SECOND_MS);
const E2E_TIMEOUT_SECONDS = integerSetting('E2E_TIMEOUT_SECONDS', 120, 5, 3600);
const FAILURE_RATE = textSetting('FAILURE_RATE', '') === '' ? undefined : numberSetting('FAILURE_RATE', 0, 0, 1);

/** Where the clock is put before the hour: time for the iterations arriving now to create their users. */
const CLOCK_LEAD_MS = 6 * SECOND_MS;
/** Closer to the hour than this, a create might land after 09:00 local (and be due next year): wait for the next hour. */
const MIN_CREATE_LEAD_MS = 2 * SECOND_MS;
/** The longest an iteration waits for in-flight messages before it jumps the clock anyway. */
const QUIET_TIMEOUT_MS = 60 * SECOND_MS;
/** The longest an iteration spends finding an hour to be due at; covers a quiet wait and the hour passing. */
const SLOT_TIMEOUT_MS = QUIET_TIMEOUT_MS + 30 * SECOND_MS;
const SLOT_ATTEMPTS = 10;
/** Slack for the clock reading's own round trip when telling whether the clock was moved before a send. */
const JUMP_TOLERANCE_MS = SECOND_MS;
const POLL_INTERVAL_MS = 500;

const e2eLatency = new Trend('e2e_latency_ms', true);
const createLatency = new Trend('create_latency', true);
const e2eSuccess = new Rate('e2e_success');
const clockJumped = new Counter('e2e_clock_jumped');
const forcedJumps = new Counter('e2e_forced_clock_jumps');
const duplicates = new Counter('e2e_duplicate_deliveries');

/** @type {import('k6/options').Options} */
export const options = {
  scenarios: {
    flows: {
      executor: 'ramping-vus',
      startVUs: 0,
      stages: STAGES[profile],
      // An iteration may wait for its hour and then for its delivery; let a started one finish rather than cut it.
      gracefulRampDown: `${Math.ceil(SLOT_TIMEOUT_MS / SECOND_MS) + E2E_TIMEOUT_SECONDS}s`,
      gracefulStop: `${Math.ceil(SLOT_TIMEOUT_MS / SECOND_MS) + E2E_TIMEOUT_SECONDS}s`,
    },
  },
  thresholds: {
    e2e_latency_ms: [`p(95)<${P95_MS}`, `p(99)<${P99_MS}`],
    e2e_success: ['rate>0.99'],
    e2e_duplicate_deliveries: ['count==0'],
    e2e_clock_jumped: ['count==0'],
  },
  summaryTrendStats,
};

export function setup() {
  requireGateway();
  requireVirtualClock();
  requireSimulator();
  const info = runInfo('e2e-load', { stages: STAGES[profile], p95Ms: P95_MS, p99Ms: P99_MS, failureRate: FAILURE_RATE === undefined ? 'unchanged' : FAILURE_RATE });
  if (FAILURE_RATE === undefined) {
    return info;
  }

  const before = failureModes();
  // Every other mode at its default (no hangs, no latency), so the error rate is the only variable.
  replaceFailureModes({ errorRate: FAILURE_RATE });
  return Object.assign(info, { failureModesBefore: before });
}

/**
 * The next whole hour this iteration's user can be due at, with the clock a few seconds before it, and the clock's
 * offset from real time then (virtual − real), against which a later jump shows.
 * @returns {{ dueMs: number, offsetMs: number } | undefined} undefined when no hour could be had in time
 */
function claimDueHour() {
  const giveUpAt = Date.now() + SLOT_TIMEOUT_MS;
  for (let attempt = 0; attempt < SLOT_ATTEMPTS && Date.now() < giveUpAt; attempt++) {
    const virtualMs = virtualNow();
    const offsetMs = virtualMs - Date.now();
    const dueMs = nextWholeHour(virtualMs, 1);
    const untilDue = dueMs - virtualMs;
    if (untilDue < MIN_CREATE_LEAD_MS) {
      sleep((untilDue + 200) / 1000);
    } else if (untilDue <= CLOCK_LEAD_MS + SECOND_MS) {
      return { dueMs, offsetMs };
    } else {
      if (!waitForNothingDue(Math.min(QUIET_TIMEOUT_MS, Math.max(0, giveUpAt - Date.now())))) {
        forcedJumps.add(1);
        console.warn('[e2e-load] messages were still due and unsent after the quiet wait; moving the clock anyway.');
      }

      // A 409 means another VU moved it first; either way the next attempt reads where it is.
      moveClockTo(dueMs - CLOCK_LEAD_MS);
    }
  }

  return undefined;
}

/** @param {import('./lib/config.js').RunInfo} run */
export default function flow(run) {
  const slot = claimDueHour();
  if (slot === undefined) {
    e2eSuccess.add(false);
    console.warn('[e2e-load] found no hour to be due at in time.');
    return;
  }

  const { zone, localDate } = nineAmAt(slot.dueMs);
  const email = uniqueEmail(run.runId, 'e2e');
  const res = createUser(dueUser(email, zone, birthdayOn(localDate)));
  createLatency.add(res.timings.duration);
  const id = createdId(res);
  check(res, { 'create: 201 Created': () => id !== undefined });
  if (id === undefined) {
    e2eSuccess.add(false);
    return;
  }

  // Sent, or ended unsent; null when the history (read from the primary) has no message for that date at all: the
  // user was planned for another day, and waiting would only run into the timeout.
  const message = waitFor(() => {
    const history = getMessages(id);
    const m = findMessage(history, 'birthday', localDate);
    if (m === undefined) {
      return history.status === 200 ? null : undefined;
    }

    return m.status === 'Sent' || UNSENT_END_STATUSES.indexOf(m.status) >= 0 ? m : undefined;
  }, E2E_TIMEOUT_SECONDS * SECOND_MS, POLL_INTERVAL_MS);
  const seenAt = Date.now();
  check(message, {
    'message: planned for the chosen hour': (m) => m !== null && (m === undefined || parseInstant(m.dueAt) === slot.dueMs),
    'message: Sent within the timeout': (m) => m !== undefined && m !== null && m.status === 'Sent',
  });
  if (message === undefined || message === null || message.status !== 'Sent' || message.sentAt === null) {
    e2eSuccess.add(false);
    return;
  }

  const delivered = deliveriesTo(email);
  duplicates.add(Math.max(0, delivered.length - 1));
  e2eSuccess.add(check(delivered, { 'simulator: delivered exactly once': (d) => d.length === 1 }));

  // Without a clock move since the hour was claimed, sentAt in real time is sentAt − offset, which cannot be after the
  // poll that saw it. Later than that, the clock jumped before the send, and the jump is in sentAt − dueAt.
  const sentAt = parseInstant(message.sentAt);
  const jumped = sentAt - slot.offsetMs > seenAt + JUMP_TOLERANCE_MS;
  clockJumped.add(jumped ? 1 : 0);
  if (!jumped) {
    e2eLatency.add(sentAt - parseInstant(message.dueAt));
  }
}

/** @param {import('./lib/config.js').RunInfo & { failureModesBefore?: import('./lib/simulator.js').FailureModes }} run */
export function teardown(run) {
  if (run.failureModesBefore !== undefined) {
    replaceFailureModes(run.failureModesBefore);
  }
}

/** @param {import('./lib/summary.js').SummaryData} data */
export function handleSummary(data) {
  return summaryOutputs('e2e-load', data);
}
