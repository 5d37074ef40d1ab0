// Instants and the "09:00 somewhere" trick that makes a message due when a test wants it.
//
// A user whose birthday is today in their zone, created before 09:00 local, gets today's message, due at exactly
// 09:00 local. For any whole UTC hour T there is a fixed-offset zone whose local time at T is 09:00; a user in that
// zone with a birthday on that local date (any past year) is due at exactly T.

export const SECOND_MS = 1000;
export const HOUR_MS = 3600 * SECOND_MS;

// NodaTime writes instants with up to 9 fractional digits (2027-02-26T12:00:00.1234567Z); Date.parse is not trusted
// to read those the same way in every JavaScript engine k6 has shipped, so the parsing is done here.
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/**
 * An ISO 8601 instant (Z or an offset) as milliseconds since the epoch.
 * @param {string} text
 * @returns {number}
 */
export function parseInstant(text) {
  const m = INSTANT.exec(text);
  if (m === null) {
    throw new Error(`'${text}' is not an ISO 8601 instant.`);
  }

  const fraction = m[7] === undefined ? 0 : Number(`0.${m[7]}`) * SECOND_MS;
  let offsetMinutes = 0;
  if (m[8] !== 'Z') {
    const sign = m[8].charAt(0) === '-' ? -1 : 1;
    offsetMinutes = sign * (Number(m[8].slice(1, 3)) * 60 + Number(m[8].slice(4, 6)));
  }

  const utc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]));
  return utc + fraction - offsetMinutes * 60 * SECOND_MS;
}

/**
 * @param {number} ms
 * @returns {string} ISO 8601 UTC, e.g. 2027-02-26T12:00:00.000Z
 */
export function formatInstant(ms) {
  return new Date(ms).toISOString();
}

/**
 * The first whole UTC hour at least `minLeadMs` after `ms`.
 * @param {number} ms
 * @param {number} minLeadMs
 * @returns {number}
 */
export function nextWholeHour(ms, minLeadMs) {
  return Math.ceil((ms + minLeadMs) / HOUR_MS) * HOUR_MS;
}

/**
 * The fixed-offset zone whose 09:00 falls at the whole UTC hour `dueMs`, and the local date it falls on.
 * tzdb's Etc/GMT names have the POSIX sign: Etc/GMT-5 is UTC+5. They run from Etc/GMT+12 (UTC−12) to Etc/GMT-14
 * (UTC+14), so an offset below −12 is taken a day later (+24 h), which is 09:00 of the next local day.
 * @param {number} dueMs
 * @returns {{ zone: string, localDate: string, offsetHours: number }}
 */
export function nineAmAt(dueMs) {
  if (dueMs % HOUR_MS !== 0) {
    throw new Error(`${formatInstant(dueMs)} is not a whole UTC hour; only those have an Etc/GMT zone at 09:00.`);
  }

  let offsetHours = 9 - new Date(dueMs).getUTCHours();
  if (offsetHours < -12) {
    offsetHours += 24;
  }

  let zone = 'Etc/UTC';
  if (offsetHours > 0) {
    zone = `Etc/GMT-${offsetHours}`;
  } else if (offsetHours < 0) {
    zone = `Etc/GMT+${-offsetHours}`;
  }

  const localDate = formatInstant(dueMs + offsetHours * HOUR_MS).slice(0, 10);
  return { zone, localDate, offsetHours };
}

/**
 * A birthday falling on `localDate`'s month and day. 1992 is a leap year, so a 29 February local date still has a
 * real birthday (and in a leap year it is due on the 29th itself).
 * @param {string} localDate YYYY-MM-DD
 * @returns {string} YYYY-MM-DD
 */
export function birthdayOn(localDate) {
  return `1992${localDate.slice(4)}`;
}
