// Checks made in setup(), so a run against the wrong address or a stopped app ends at once with a sentence saying
// what is wrong, instead of minutes of failed requests.
import http from 'k6/http';
import { urls } from './config.js';
import { virtualNow } from './admin.js';
import { simulatorStats } from './simulator.js';
import { describeResponse, requestParams } from './requests.js';

export function requireGateway() {
  const res = http.get(`${urls.api}/health`, requestParams('GET /health', [200]));
  if (res.status !== 200) {
    throw new Error(`The gateway at ${urls.api} is not healthy: ${describeResponse(res)}. Start the app with `
      + './scripts/run.sh --Gateway:RateLimits:Disabled=true, or set BASE_URL.');
  }
}

/** The admin API answers and the deployment has a virtual clock; throws a sentence saying what to fix otherwise. */
export function requireVirtualClock() {
  virtualNow();
}

export function requireSimulator() {
  simulatorStats();
}
