import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { DATASETS } from "../../../scripts/lib/metrics-report";
import type { AppEnv } from "../../../src/http/app-env";
import { metricDataPoint, requestMetrics } from "../../../src/http/metrics";
import { routeTemplate, UNMATCHED_ROUTE } from "../../../src/http/request-facts";
import type { Bindings } from "../../../src/settings";
import wranglerToml from "../../../wrangler.toml?raw";
import { RecordingDataset } from "../../helpers/metrics";

describe("metricDataPoint", () => {
  it("lays the fields out where the README's SQL reads them", () => {
    const point = metricDataPoint({
      route: "/api/v1/products/:product_id",
      method: "GET",
      status: 200,
      durationMs: 12.5,
      d1RoundTrips: 1,
      d1DurationMs: 7.25,
      cache: "MISS",
      colo: "AMS",
    });
    expect(point).toEqual({
      indexes: ["/api/v1/products/:product_id"],
      blobs: ["/api/v1/products/:product_id", "GET", "AMS", "MISS"],
      doubles: [12.5, 200, 1, 7.25],
    });
  });

  it("writes an unknown colo as empty and a route the cache does not cover as NONE", () => {
    const point = metricDataPoint({
      route: UNMATCHED_ROUTE,
      method: "DELETE",
      status: 404,
      durationMs: 0,
      d1RoundTrips: 0,
      d1DurationMs: 0,
      cache: undefined,
      colo: undefined,
    });
    expect(point.blobs).toEqual([UNMATCHED_ROUTE, "DELETE", "", "NONE"]);
  });
});

/** A small app with the middleware, a param route guarded by a middleware, and a 404. */
function probeApp() {
  const app = new Hono<AppEnv>();
  app.use(requestMetrics);
  app.use("/items/*", async (c, next) => {
    if (c.req.header("X-Deny")) return c.text("no", 401);
    return next();
  });
  app.get("/items/:item_id", (c) => {
    c.set("d1Stats", { roundTrips: 2, durationMs: 3 });
    c.set("cacheStatus", "BYPASS");
    return c.text(routeTemplate(c));
  });
  return app;
}

const withMetrics = (dataset: unknown) => ({ METRICS: dataset }) as unknown as Bindings;

describe("requestMetrics", () => {
  it("writes one point per request, labelled by the route template, after the handler", async () => {
    const dataset = new RecordingDataset();
    const res = await probeApp().request("/items/42", {}, withMetrics(dataset));
    expect(await res.text()).toBe("/items/:item_id");
    const point = dataset.only();
    expect(point.indexes).toEqual(["/items/:item_id"]);
    expect(point.blobs).toEqual(["/items/:item_id", "GET", "", "BYPASS"]);
    expect(point.doubles?.slice(1)).toEqual([200, 2, 3]);
  });

  it("labels a request a middleware answered with the route it was for", async () => {
    const dataset = new RecordingDataset();
    const res = await probeApp().request(
      "/items/42",
      { headers: { "X-Deny": "1" } },
      withMetrics(dataset),
    );
    expect(res.status).toBe(401);
    expect(dataset.only().indexes).toEqual(["/items/:item_id"]);
    expect(dataset.only().doubles?.slice(1)).toEqual([401, 0, 0]);
  });

  it("labels a path no route serves with one fixed label, never the path", async () => {
    const dataset = new RecordingDataset();
    const res = await probeApp().request("/elsewhere/secret-id", {}, withMetrics(dataset));
    expect(res.status).toBe(404);
    expect(dataset.only().indexes).toEqual([UNMATCHED_ROUTE]);
    expect(JSON.stringify(dataset.points)).not.toContain("secret-id");
  });

  it("answers as usual without a METRICS binding", async () => {
    const res = await probeApp().request("/items/42", {}, {} as Bindings);
    expect(res.status).toBe(200);
  });

  it("answers as usual when the binding throws", async () => {
    const failing = {
      writeDataPoint() {
        throw new Error("Analytics Engine is down");
      },
    };
    const res = await probeApp().request("/items/42", {}, withMetrics(failing));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe("/items/:item_id");
  });
});

describe("routeTemplate", () => {
  it("names the route that answers when a later route matches too", async () => {
    const app = new Hono();
    app.get("/users/me", (c) => c.text(routeTemplate(c)));
    app.get("/users/:user_id", (c) => c.text(routeTemplate(c)));
    expect(await (await app.request("/users/me")).text()).toBe("/users/me");
    expect(await (await app.request("/users/7")).text()).toBe("/users/:user_id");
  });
});

describe("wrangler.toml", () => {
  it("binds METRICS to a dataset of its own in every environment", () => {
    const block =
      /^\[\[(env\.(\w+)\.)?analytics_engine_datasets\]\]\nbinding = "METRICS"\ndataset = "(\w+)"$/gm;
    const datasets = Object.fromEntries(
      [...wranglerToml.matchAll(block)].map((m) => [m[2] ?? "top-level", m[3]]),
    );
    expect(datasets).toEqual({
      "top-level": "edge_store_requests_dev",
      staging: "edge_store_requests_staging",
      production: "edge_store_requests",
    });
    // npm run metrics reads the deployed ones by --env.
    expect(DATASETS).toEqual({ staging: datasets.staging, production: datasets.production });
  });
});
