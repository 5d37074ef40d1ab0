// API load: a CRUD mix on /api/v1/users through the gateway — create 40 %, read 30 %, update 20 %, delete 10 % —
// in ramping stages (ramp up, hold, spike, ramp down). Reads, updates and deletes act on users this VU created;
// with none left, a VU creates instead.
//
// The gateway limits each client (10 writes/s by default), and k6 is one client, so start the app with the limits off
// or this measures the rate limiter:
//   ./scripts/run.sh --Gateway:RateLimits:Disabled=true
//   cd k6 && k6 run -e PROFILE=ci api-load.js          # about a minute, up to 15 VUs
//   cd k6 && k6 run api-load.js                         # PROFILE=full: about 7 minutes, up to 200 VUs
// Settings: BASE_URL (gateway, default http://127.0.0.1:5100), PROFILE (ci | full), THINK_SECONDS (mean pause between
// a VU's requests, default 1), REQUEST_TIMEOUT_SECONDS, RESULTS_DIR, RUN_ID. The summary goes to results/api-load.json.
import { check, sleep } from 'k6';
import { Counter, Rate, Trend } from 'k6/metrics';
import { numberSetting, profile, runInfo, summaryTrendStats } from './lib/config.js';
import { requireGateway } from './lib/preflight.js';
import { summaryOutputs } from './lib/summary.js';
import { createUser, createdId, deleteUser, getUser, randomUser, updateUser, pick } from './lib/users.js';
import { jsonField } from './lib/requests.js';

const STAGES = {
  ci: [
    { duration: '10s', target: 5 },
    { duration: '25s', target: 5 },
    { duration: '5s', target: 15 },
    { duration: '10s', target: 15 },
    { duration: '10s', target: 0 },
  ],
  full: [
    { duration: '1m', target: 50 },
    { duration: '2m', target: 100 },
    { duration: '30s', target: 200 },
    { duration: '1m', target: 200 },
    { duration: '30s', target: 100 },
    { duration: '1m', target: 100 },
    { duration: '1m', target: 0 },
  ],
};

const THINK_SECONDS = numberSetting('THINK_SECONDS', 1, 0, 60);

/** Cumulative shares of the mix: a draw below 0.4 creates, below 0.7 reads, below 0.9 updates, the rest deletes. */
const MIX = /** @type {const} */ ([['create', 0.4], ['read', 0.7], ['update', 0.9], ['delete', 1]]);

/** A VU keeps at most this many of its users; older ones stay in the database but are no longer touched. */
const MAX_POOL = 500;

const createLatency = new Trend('create_latency', true);
const readLatency = new Trend('read_latency', true);
const updateLatency = new Trend('update_latency', true);
const deleteLatency = new Trend('delete_latency', true);
const errors = new Rate('errors');
const emptyPoolCreates = new Counter('empty_pool_creates');
const rateLimited = new Counter('rate_limited');

/** @type {import('k6/options').Options} */
export const options = {
  scenarios: {
    crud: { executor: 'ramping-vus', startVUs: 0, stages: STAGES[profile], gracefulRampDown: '30s', gracefulStop: '30s' },
  },
  thresholds: {
    http_req_duration: ['p(95)<500', 'p(99)<1000'],
    errors: ['rate<0.01'],
  },
  summaryTrendStats,
};

/** @type {string[]} the ids of this VU's users */
const pool = [];

// Said once per VU: a 429 means the app was started with its rate limits on, which makes the figures meaningless.
let rateLimitWarned = false;

/** @param {import('k6/http').RefinedResponse<any>} res */
function noteRateLimit(res) {
  if (res.status !== 429) {
    return;
  }

  rateLimited.add(1);
  if (!rateLimitWarned) {
    rateLimitWarned = true;
    console.warn('The gateway answered 429: start the app with ./scripts/run.sh --Gateway:RateLimits:Disabled=true.');
  }
}

export function setup() {
  requireGateway();
  return runInfo('api-load', { stages: STAGES[profile], thinkSeconds: THINK_SECONDS });
}

/** @param {import('./lib/config.js').RunInfo} run */
function create(run) {
  const res = createUser(randomUser(run.runId));
  createLatency.add(res.timings.duration);
  noteRateLimit(res);
  const id = createdId(res);
  const ok = check(res, {
    'create: 201 Created': (r) => r.status === 201,
    'create: answer has the id': () => id !== undefined,
  });
  errors.add(!ok);
  if (id !== undefined) {
    if (pool.length >= MAX_POOL) {
      pool.shift();
    }

    pool.push(id);
  }
}

function read() {
  const id = pick(pool);
  const res = getUser(id);
  readLatency.add(res.timings.duration);
  noteRateLimit(res);
  const ok = check(res, {
    'read: 200 OK': (r) => r.status === 200,
    'read: the same user': (r) => jsonField(r, 'id') === id,
  });
  errors.add(!ok);
}

function update() {
  const id = pick(pool);
  const firstName = pick(['Ada', 'Grace', 'Alan', 'Katherine']);
  const res = updateUser(id, { firstName, locationCity: pick(['Lisbon', 'Nairobi', 'Osaka', 'Quito']) });
  updateLatency.add(res.timings.duration);
  noteRateLimit(res);
  const ok = check(res, {
    'update: 200 OK': (r) => r.status === 200,
    'update: the change is in the answer': (r) => jsonField(r, 'firstName') === firstName,
  });
  errors.add(!ok);
}

function remove() {
  // Forgotten whatever the answer: a user that is gone, or in doubt, is not read or updated again.
  const id = pool.splice(Math.floor(Math.random() * pool.length), 1)[0];
  const res = deleteUser(id);
  deleteLatency.add(res.timings.duration);
  noteRateLimit(res);
  const ok = check(res, { 'delete: 204 No Content': (r) => r.status === 204 });
  errors.add(!ok);
}

/** @param {import('./lib/config.js').RunInfo} run */
export default function crud(run) {
  const draw = Math.random();
  const operation = (MIX.find((entry) => draw < entry[1]) || MIX[MIX.length - 1])[0];
  if (operation === 'create') {
    create(run);
  } else if (pool.length === 0) {
    emptyPoolCreates.add(1);
    create(run);
  } else if (operation === 'read') {
    read();
  } else if (operation === 'update') {
    update();
  } else {
    remove();
  }

  // Uniform around the mean, so VUs do not fall into step.
  sleep(THINK_SECONDS * (0.5 + Math.random()));
}

/** @param {import('./lib/summary.js').SummaryData} data */
export function handleSummary(data) {
  return summaryOutputs('api-load', data);
}
