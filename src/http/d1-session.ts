import { createMiddleware } from "hono/factory";
import { type D1Stats, isWellFormedBookmark, RequestD1, type SessionStart } from "../db/request-d1";
import type { AppEnv, CacheStatus } from "./app-env";

/** The request header a client sends back to read at least as fresh as its last response. */
export const BOOKMARK_HEADER = "X-D1-Bookmark";

/** Methods that only read: they may start on a replica. */
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Writes start on the primary (and the reads that decide them are fresh); reads start
 * anywhere, or at least as fresh as the client's bookmark. A malformed bookmark is ignored.
 */
export function sessionStart(method: string, bookmark: string | undefined): SessionStart {
  if (!SAFE_METHODS.has(method)) return { constraint: "first-primary" };
  return isWellFormedBookmark(bookmark)
    ? { constraint: "first-unconstrained", bookmark }
    : { constraint: "first-unconstrained" };
}

const milliseconds = (value: number) => value.toFixed(1);

/** `d1;dur=<ms>;desc="<n> round trips", total;dur=<ms>`, plus `cache;desc="hit"` on a hit. */
export function serverTiming(stats: D1Stats, totalMs: number, cache?: CacheStatus): string {
  const metrics = [
    `d1;dur=${milliseconds(stats.durationMs)};desc="${stats.roundTrips} round trips"`,
    `total;dur=${milliseconds(totalMs)}`,
  ];
  if (cache === "HIT") metrics.push('cache;desc="hit"');
  return metrics.join(", ");
}

/**
 * Next to outermost (only the metrics writer, which reads its statistics, wraps it): gives
 * the request its D1 session (`c.var.d1`, opened on the first query) and, on every
 * response, `Server-Timing` from its round trips and `X-D1-Bookmark`.
 */
export const d1Session = createMiddleware<AppEnv>(async (c, next) => {
  const started = performance.now();
  const d1 = new RequestD1(c.env.DB, sessionStart(c.req.method, c.req.header(BOOKMARK_HEADER)));
  c.set("d1", d1);
  c.set("d1Stats", d1.stats);
  await next();
  const bookmark = d1.bookmark();
  if (bookmark) c.res.headers.set(BOOKMARK_HEADER, bookmark);
  c.res.headers.set(
    "Server-Timing",
    serverTiming(d1.stats, performance.now() - started, c.var.cacheStatus),
  );
});
