import { describe, expect, it } from "vitest";
import { createAdmin, unique } from "../../helpers/factories";
import type { RequestOptions } from "../../helpers/http";
import { json } from "../../helpers/http";
import { createProduct } from "../../helpers/products";
import { countedRequest, reportedTrips } from "../../helpers/round-trips";

// The suite runs with the cache off (vitest.config.ts) so that tests which list, write and
// list again never read a stale page; these tests turn it on for their own requests.
const CACHE_ON = { CATALOG_CACHE_TTL_SECONDS: "30" };

const send = (path: string, options: RequestOptions = {}) =>
  countedRequest(path, options, CACHE_ON);

describe("edge cache for anonymous catalog reads", () => {
  it("stores a product on a miss and answers the next read from the cache with 0 round trips", async () => {
    const product = await createProduct();
    const path = `/api/v1/products/${product.id}`;
    const miss = await send(path);
    expect(miss.response.status).toBe(200);
    expect(miss.response.headers.get("X-Cache")).toBe("MISS");
    expect(miss.response.headers.get("Cache-Control")).toBe("public, max-age=0, s-maxage=30");
    expect(miss.trips).toBe(1);

    const hit = await send(path);
    expect(hit.response.status).toBe(200);
    expect(hit.response.headers.get("X-Cache")).toBe("HIT");
    expect(hit.trips).toBe(0);
    expect(reportedTrips(hit.response)).toBe(0);
    expect(hit.response.headers.get("Server-Timing")).toContain('cache;desc="hit"');
    expect(hit.response.headers.get("ETag")).toBe(miss.response.headers.get("ETag"));
    expect(hit.response.headers.get("X-D1-Bookmark")).toBe(
      miss.response.headers.get("X-D1-Bookmark"),
    );
    expect(hit.response.headers.get("X-Request-Id")).not.toBe(
      miss.response.headers.get("X-Request-Id"),
    );
    expect(await json(hit.response)).toEqual(await json(miss.response));
  });

  it("answers If-None-Match from the cache: 304 with the cached ETag, no round trip", async () => {
    const product = await createProduct();
    const path = `/api/v1/products/${product.id}`;
    const miss = await send(path);
    const etag = miss.response.headers.get("ETag") ?? "";
    const hit = await send(path, { headers: { "If-None-Match": etag } });
    expect(hit.response.status).toBe(304);
    expect(hit.response.headers.get("ETag")).toBe(etag);
    expect(hit.response.headers.get("X-Cache")).toBe("HIT");
    expect(hit.trips).toBe(0);
    const stale = await send(path, { headers: { "If-None-Match": '"v999"' } });
    expect(stale.response.status).toBe(200);
  });

  it("is bypassed by a request with Authorization or X-D1-Bookmark", async () => {
    const product = await createProduct();
    const path = `/api/v1/products/${product.id}`;
    await send(path);
    const authorized = await send(path, { headers: { Authorization: "Bearer whatever" } });
    expect(authorized.response.headers.get("X-Cache")).toBe("BYPASS");
    expect(authorized.trips).toBe(1);
    const bookmark = await send(path, { headers: { "X-D1-Bookmark": "0000000a-0000000b" } });
    expect(bookmark.response.headers.get("X-Cache")).toBe("BYPASS");
    expect(bookmark.trips).toBe(1);
  });

  it("drops the product's cached copy when an admin writes it", async () => {
    const admin = await createAdmin();
    const product = await createProduct({ priceCents: 1000 });
    const path = `/api/v1/products/${product.id}`;
    await send(path);
    expect((await send(path)).response.headers.get("X-Cache")).toBe("HIT");
    const write = await send(path, {
      method: "PATCH",
      token: admin.token,
      body: { price_cents: 1500 },
    });
    expect(write.response.status).toBe(200);
    const after = await send(path);
    expect(after.response.headers.get("X-Cache")).toBe("MISS");
    expect((await json<{ price_cents: number }>(after.response)).price_cents).toBe(1500);
  });

  it("never stores an error response", async () => {
    const missing = "0190b5c2-7a1e-7cc3-9f4a-5d2b6c1e8a90";
    const first = await send(`/api/v1/products/${missing}`);
    expect(first.response.status).toBe(404);
    const second = await send(`/api/v1/products/${missing}`);
    expect(second.response.status).toBe(404);
    expect(second.response.headers.get("X-Cache")).toBe("MISS");
    expect(second.trips).toBe(1);
    expect(second.response.headers.get("Cache-Control") ?? "").not.toContain("public");
  });

  it("caches list pages per query; they stay as they were until the TTL ends", async () => {
    const marker = unique("cached");
    await createProduct({ name: `${marker} one` });
    const path = `/api/v1/products?q=${encodeURIComponent(marker)}`;
    const miss = await send(path);
    expect(miss.response.headers.get("X-Cache")).toBe("MISS");
    await createProduct({ name: `${marker} two` });
    const hit = await send(path);
    expect(hit.response.headers.get("X-Cache")).toBe("HIT");
    expect(hit.trips).toBe(0);
    expect((await json<{ items: unknown[] }>(hit.response)).items).toHaveLength(1);
    const other = await send(`${path}&limit=5`);
    expect(other.response.headers.get("X-Cache")).toBe("MISS");
    expect((await json<{ items: unknown[] }>(other.response)).items).toHaveLength(2);
  });

  it("is off with CATALOG_CACHE_TTL_SECONDS=0: every read is a BYPASS that reaches D1", async () => {
    const product = await createProduct();
    const path = `/api/v1/products/${product.id}`;
    for (let i = 0; i < 2; i++) {
      const { response, trips } = await countedRequest(
        path,
        {},
        { CATALOG_CACHE_TTL_SECONDS: "0" },
      );
      expect(response.headers.get("X-Cache")).toBe("BYPASS");
      expect(response.headers.get("Cache-Control") ?? "").not.toContain("public");
      expect(trips).toBe(1);
    }
  });
});
