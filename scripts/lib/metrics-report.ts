// The per-route report of `npm run metrics`: the SQL sent to the Workers Analytics Engine SQL
// API and the table printed from its answer. The columns are the data point's layout in
// src/http/metrics.ts (blob1 route, blob2 method, double1 duration ms, double2 status).
// Plain TypeScript that Node runs by stripping types, and that the tests import in workerd.

/** Analytics Engine keeps the timestamp; a window is counted back from now. */
const SINCE = /^([1-9]\d{0,3})([mhd])$/;
const UNITS = { m: "MINUTE", h: "HOUR", d: "DAY" } as const;
/** A dataset is a table name in the SQL: nothing but these characters can reach it. */
const DATASET = /^[A-Za-z0-9_]{1,64}$/;

export const DATASETS = {
  production: "edge_store_requests",
  staging: "edge_store_requests_staging",
} as const;

/** `1h` → `INTERVAL '1' HOUR` (m, h, d; 1 to 9999). */
export function sinceInterval(since: string): string {
  const match = SINCE.exec(since);
  if (!match) throw new Error(`--since must look like 15m, 1h or 7d (got "${since}")`);
  const [, amount, unit] = match;
  return `INTERVAL '${amount}' ${UNITS[unit as keyof typeof UNITS]}`;
}

/**
 * p50/p95/p99 latency, 5xx and 4xx rates per route over the window. Sampled rows stand for
 * `_sample_interval` requests each, so every aggregate is weighted by it (Analytics Engine
 * samples high-volume datasets; a plain count or quantile would be wrong).
 */
export function routeReportSql(dataset: string, since: string): string {
  if (!DATASET.test(dataset)) throw new Error(`not a dataset name: "${dataset}"`);
  return `SELECT
  blob2 AS method,
  blob1 AS route,
  SUM(_sample_interval) AS requests,
  quantileExactWeighted(0.50)(double1, _sample_interval) AS p50_ms,
  quantileExactWeighted(0.95)(double1, _sample_interval) AS p95_ms,
  quantileExactWeighted(0.99)(double1, _sample_interval) AS p99_ms,
  sumIf(_sample_interval, double2 >= 500) / SUM(_sample_interval) AS error_rate,
  sumIf(_sample_interval, double2 >= 400 AND double2 < 500) / SUM(_sample_interval) AS client_error_rate
FROM ${dataset}
WHERE timestamp > NOW() - ${sinceInterval(since)}
GROUP BY method, route
ORDER BY requests DESC
FORMAT JSON`;
}

export function sqlEndpoint(accountId: string): string {
  if (!/^[0-9a-f]{32}$/i.test(accountId)) throw new Error("CLOUDFLARE_ACCOUNT_ID is 32 hex digits");
  return `https://api.cloudflare.com/client/v4/accounts/${accountId}/analytics_engine/sql`;
}

/** One row of the answer. ClickHouse's JSON quotes 64-bit integers, so numbers may be strings. */
export type RouteRow = {
  method: string;
  route: string;
  requests: number | string;
  p50_ms: number | string;
  p95_ms: number | string;
  p99_ms: number | string;
  error_rate: number | string;
  client_error_rate: number | string;
};

export type ReportOptions = {
  accountId: string;
  apiToken: string;
  dataset: string;
  since: string;
};

/** Posts the report's SQL to the account's SQL API and returns its rows. */
export async function fetchRouteReport(
  options: ReportOptions,
  fetchFn: typeof fetch = fetch,
): Promise<RouteRow[]> {
  const response = await fetchFn(sqlEndpoint(options.accountId), {
    method: "POST",
    headers: { Authorization: `Bearer ${options.apiToken}`, "Content-Type": "text/plain" },
    body: routeReportSql(options.dataset, options.since),
  });
  const text = await response.text();
  if (!response.ok) {
    throw new Error(`Analytics Engine SQL API answered ${response.status}: ${text.slice(0, 500)}`);
  }
  const parsed = JSON.parse(text) as { data?: RouteRow[] };
  return parsed.data ?? [];
}

const HEADERS = ["method", "route", "requests", "p50 ms", "p95 ms", "p99 ms", "5xx", "4xx"];

const milliseconds = (value: number | string) => Number(value).toFixed(1);
const percent = (value: number | string) => `${(Number(value) * 100).toFixed(2)}%`;

/** The rows as an aligned text table (text left, numbers right), or a line saying there are none. */
export function formatTable(rows: RouteRow[]): string {
  if (rows.length === 0) return "No requests in this window.";
  const cells = rows.map((row) => [
    row.method,
    row.route,
    String(Number(row.requests)),
    milliseconds(row.p50_ms),
    milliseconds(row.p95_ms),
    milliseconds(row.p99_ms),
    percent(row.error_rate),
    percent(row.client_error_rate),
  ]);
  const widths = HEADERS.map((header, i) =>
    Math.max(header.length, ...cells.map((line) => (line[i] ?? "").length)),
  );
  const TEXT_COLUMNS = 2;
  const render = (line: string[]) =>
    line
      .map((cell, i) =>
        i < TEXT_COLUMNS ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0),
      )
      .join("  ")
      .trimEnd();
  const rule = widths.map((width) => "-".repeat(width)).join("  ");
  return [render(HEADERS), rule, ...cells.map(render)].join("\n");
}
