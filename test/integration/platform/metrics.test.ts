import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../../src/app";
import { UNMATCHED_ROUTE } from "../../../src/http/request-facts";
import type { Bindings } from "../../../src/settings";
import { BASE } from "../../helpers/http";
import { RecordingDataset } from "../../helpers/metrics";
import { createProduct } from "../../helpers/products";
import { reportedTrips } from "../../helpers/round-trips";

const app = createApp();

/**
 * Sends a request through the real app with a recording METRICS binding in its env, the
 * way the runtime injects bindings; `cf` is what Cloudflare's edge attaches (the colo).
 */
async function send(
  path: string,
  init: RequestInit<RequestInitCfProperties> = {},
  bindings: Partial<Bindings> = {},
) {
  const dataset = new RecordingDataset();
  const ctx = createExecutionContext();
  const response = await app.fetch(
    new Request(`${BASE}${path}`, init),
    { ...env, ...bindings, METRICS: dataset },
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { response, dataset };
}

describe("request metrics (Workers Analytics Engine)", () => {
  it("writes one point per request with the route template, status, timing, trips, cache and colo", async () => {
    const product = await createProduct();
    const { response, dataset } = await send(`/api/v1/products/${product.id}`, {
      cf: { colo: "AMS" },
    });
    expect(response.status).toBe(200);
    const point = dataset.only();
    expect(point.indexes).toEqual(["/api/v1/products/:product_id"]);
    expect(point.blobs).toEqual(["/api/v1/products/:product_id", "GET", "AMS", "BYPASS"]);
    const [durationMs, status, trips, d1Ms] = point.doubles ?? [];
    expect(status).toBe(200);
    expect(trips).toBe(reportedTrips(response));
    expect(trips).toBe(1);
    expect(durationMs).toBeGreaterThanOrEqual(d1Ms ?? Number.NaN);
    expect(JSON.stringify(point)).not.toContain(product.id);
  });

  it("reports a cache hit with no round trip", async () => {
    const product = await createProduct();
    const path = `/api/v1/products/${product.id}`;
    const cacheOn = { CATALOG_CACHE_TTL_SECONDS: "30" };
    const miss = await send(path, {}, cacheOn);
    expect(miss.dataset.only().blobs?.[3]).toBe("MISS");
    const hit = await send(path, {}, cacheOn);
    expect(hit.response.headers.get("X-Cache")).toBe("HIT");
    expect(hit.dataset.only().blobs?.[3]).toBe("HIT");
    expect(hit.dataset.only().doubles?.[2]).toBe(0);
  });

  it.each([
    ["an unknown path (404)", "GET", "/api/v1/no-such-thing/123", 404],
    ["a method the path does not serve (405)", "DELETE", "/api/v1/products", 405],
  ])("labels %s as unmatched", async (_label, method, path, status) => {
    const { response, dataset } = await send(path, { method });
    expect(response.status).toBe(status);
    expect(dataset.only().indexes).toEqual([UNMATCHED_ROUTE]);
    expect(dataset.only().doubles?.[1]).toBe(status);
  });

  it("labels an error answered before the handler with its route", async () => {
    const { response, dataset } = await send("/api/v1/users/me");
    expect(response.status).toBe(401);
    expect(dataset.only().indexes).toEqual(["/api/v1/users/me"]);
    expect(dataset.only().doubles?.[1]).toBe(401);
  });

  it("answers as usual without a METRICS binding", async () => {
    const ctx = createExecutionContext();
    const response = await app.fetch(
      new Request(`${BASE}/health`),
      { ...env, METRICS: undefined },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(response.status).toBe(200);
  });
});
