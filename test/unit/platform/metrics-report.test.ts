import { describe, expect, it } from "vitest";
import {
  fetchRouteReport,
  formatTable,
  type RouteRow,
  routeReportSql,
  sinceInterval,
} from "../../../scripts/lib/metrics-report";
import { metricDataPoint } from "../../../src/http/metrics";

const ACCOUNT = "0123456789abcdef0123456789abcdef";

describe("npm run metrics: the SQL", () => {
  it.each([
    ["15m", "INTERVAL '15' MINUTE"],
    ["1h", "INTERVAL '1' HOUR"],
    ["7d", "INTERVAL '7' DAY"],
  ])("reads --since %s as %s", (since, interval) => {
    expect(sinceInterval(since)).toBe(interval);
  });

  it.each(["", "1", "h", "0h", "1w", "1h; DROP", "-1h", "99999h"])(
    "refuses --since %j",
    (since) => {
      expect(() => sinceInterval(since)).toThrow(/--since/);
    },
  );

  it("refuses a dataset name that is not a bare identifier", () => {
    expect(() => routeReportSql("requests; SELECT 1", "1h")).toThrow(/dataset/);
  });

  it("groups by route and method over the window, weighting every aggregate by the sample interval", () => {
    const sql = routeReportSql("edge_store_requests", "1h");
    expect(sql).toContain("FROM edge_store_requests\n");
    expect(sql).toContain("WHERE timestamp > NOW() - INTERVAL '1' HOUR");
    expect(sql).toContain("GROUP BY method, route");
    for (const q of ["0.50", "0.95", "0.99"]) {
      expect(sql).toContain(`quantileExactWeighted(${q})(double1, _sample_interval)`);
    }
    expect(sql).toContain("sumIf(_sample_interval, double2 >= 500) / SUM(_sample_interval)");
    expect(sql).toMatch(/FORMAT JSON$/);
  });

  it("reads the columns where the Worker writes them (route blob1, method blob2, ms double1, status double2)", () => {
    const point = metricDataPoint({
      route: "/r",
      method: "GET",
      status: 503,
      durationMs: 9,
      d1RoundTrips: 0,
      d1DurationMs: 0,
      cache: undefined,
      colo: undefined,
    });
    expect(point.blobs?.[0]).toBe("/r");
    expect(point.blobs?.[1]).toBe("GET");
    expect(point.doubles?.[0]).toBe(9);
    expect(point.doubles?.[1]).toBe(503);
    const sql = routeReportSql("d", "1h");
    expect(sql).toContain("blob1 AS route");
    expect(sql).toContain("blob2 AS method");
  });
});

/** One route's figures as the SQL API returns them (counts come back as strings). */
const PRODUCT_ROW: RouteRow = {
  method: "GET",
  route: "/api/v1/products/:product_id",
  requests: "1200",
  p50_ms: 12.34,
  p95_ms: 40,
  p99_ms: 81.06,
  error_rate: 0.0025,
  client_error_rate: 0.01,
};

describe("npm run metrics: the request", () => {
  const rows: RouteRow[] = [PRODUCT_ROW];

  it("posts the SQL to the account's analytics_engine/sql endpoint with the token", async () => {
    const calls: { url: string; init: RequestInit | undefined }[] = [];
    const fakeFetch = (async (url: string, init?: RequestInit) => {
      calls.push({ url, init });
      return Response.json({ meta: [], data: rows, rows: 1 });
    }) as typeof fetch;
    const result = await fetchRouteReport(
      { accountId: ACCOUNT, apiToken: "t0ken", dataset: "edge_store_requests", since: "1h" },
      fakeFetch,
    );
    expect(result).toEqual(rows);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.url).toBe(
      `https://api.cloudflare.com/client/v4/accounts/${ACCOUNT}/analytics_engine/sql`,
    );
    expect(calls[0]?.init?.method).toBe("POST");
    expect(new Headers(calls[0]?.init?.headers).get("Authorization")).toBe("Bearer t0ken");
    expect(calls[0]?.init?.body).toBe(routeReportSql("edge_store_requests", "1h"));
  });

  it("fails with the API's status when the query is refused", async () => {
    const fakeFetch = (async () =>
      new Response('{"errors":["bad token"]}', { status: 403 })) as unknown as typeof fetch;
    await expect(
      fetchRouteReport(
        { accountId: ACCOUNT, apiToken: "x", dataset: "edge_store_requests", since: "1h" },
        fakeFetch,
      ),
    ).rejects.toThrow(/answered 403/);
  });

  it("refuses an account id that is not 32 hex digits before sending anything", async () => {
    let sent = false;
    const fakeFetch = (async () => {
      sent = true;
      return Response.json({ data: [] });
    }) as unknown as typeof fetch;
    await expect(
      fetchRouteReport({ accountId: "../x", apiToken: "x", dataset: "d", since: "1h" }, fakeFetch),
    ).rejects.toThrow(/CLOUDFLARE_ACCOUNT_ID/);
    expect(sent).toBe(false);
  });
});

describe("npm run metrics: the table", () => {
  it("prints one aligned line per route, numbers right-aligned, rates in percent", () => {
    const table = formatTable([
      PRODUCT_ROW,
      {
        method: "POST",
        route: "/api/v1/orders",
        requests: 3,
        p50_ms: "105.5",
        p95_ms: "250",
        p99_ms: "1250.25",
        error_rate: 0,
        client_error_rate: "0.3333333",
      },
    ]);
    expect(table.split("\n")).toEqual([
      "method  route                         requests  p50 ms  p95 ms  p99 ms    5xx     4xx",
      "------  ----------------------------  --------  ------  ------  ------  -----  ------",
      "GET     /api/v1/products/:product_id      1200    12.3    40.0    81.1  0.25%   1.00%",
      "POST    /api/v1/orders                       3   105.5   250.0  1250.3  0.00%  33.33%",
    ]);
  });

  it("says so when the window has no requests", () => {
    expect(formatTable([])).toBe("No requests in this window.");
  });
});
