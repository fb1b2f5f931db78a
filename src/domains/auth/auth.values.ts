/**
 * The auth domain's lifetimes, written once: the code that mints and checks tokens and the
 * OpenAPI document that states them both read these.
 */
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
export const REFRESH_TOKEN_TTL_SECONDS = 30 * 24 * 60 * 60;
/** A login's family ends this long after the login, however often it is refreshed. */
export const SESSION_MAX_AGE_SECONDS = 90 * 24 * 60 * 60;
export const RESET_TOKEN_TTL_SECONDS = 30 * 60;

const MINUTE = 60;
const DAY = 24 * 60 * MINUTE;

/** `15 minutes`, `30 days`: a lifetime as the documentation states it. */
export function inWords(seconds: number): string {
  return seconds % DAY === 0 ? `${seconds / DAY} days` : `${seconds / MINUTE} minutes`;
}
