import { createMiddleware } from "hono/factory";
import type { AppEnv, CacheStatus } from "./app-env";
import { requestColo, routeTemplate } from "./request-facts";

/** What one request reports to Workers Analytics Engine (the `METRICS` binding). */
export type RequestMetric = {
  route: string;
  method: string;
  status: number;
  durationMs: number;
  d1RoundTrips: number;
  d1DurationMs: number;
  cache: CacheStatus | undefined;
  colo: string | undefined;
};

/** The one method of the binding this app calls (tests pass a recording fake). */
export type MetricsDataset = Pick<AnalyticsEngineDataset, "writeDataPoint">;

/** Where a request the edge cache does not cover is counted (blob4). */
export const NO_CACHE = "NONE";

/**
 * The data point's layout. The SQL in the README and `scripts/metrics.mjs` read these
 * columns by position, so a change here is a change there:
 * index1 = route template (the sampling key: each route is sampled on its own);
 * blob1 = route, blob2 = method, blob3 = colo ("" when unknown), blob4 = cache outcome;
 * double1 = duration ms, double2 = status, double3 = D1 round trips, double4 = D1 ms.
 */
export function metricDataPoint(metric: RequestMetric): AnalyticsEngineDataPoint {
  return {
    indexes: [metric.route],
    blobs: [metric.route, metric.method, metric.colo ?? "", metric.cache ?? NO_CACHE],
    doubles: [metric.durationMs, metric.status, metric.d1RoundTrips, metric.d1DurationMs],
  };
}

/**
 * Outermost middleware: after the response is built, one data point for the request.
 * `writeDataPoint` returns at once (the runtime sends the point after the response), so
 * nothing is awaited; without a METRICS binding nothing is written, and a binding that
 * throws is ignored: metrics never change an answer.
 */
export const requestMetrics = createMiddleware<AppEnv>(async (c, next) => {
  const started = performance.now();
  await next();
  const dataset = c.env?.METRICS;
  if (!dataset) return;
  const stats = c.var.d1Stats;
  try {
    dataset.writeDataPoint(
      metricDataPoint({
        route: routeTemplate(c),
        method: c.req.method,
        status: c.res.status,
        durationMs: performance.now() - started,
        d1RoundTrips: stats?.roundTrips ?? 0,
        d1DurationMs: stats?.durationMs ?? 0,
        cache: c.var.cacheStatus,
        colo: requestColo(c),
      }),
    );
  } catch {
    // A failing metrics write is not the client's problem, and logging it per request would
    // flood the logs during an Analytics Engine incident.
  }
});
