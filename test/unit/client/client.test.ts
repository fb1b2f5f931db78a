import {
  BOOKMARK_HEADER,
  createEdgeStoreClient,
  idempotencyHeader,
  isReplayed,
  newIdempotencyKey,
} from "@edge-store/client";
import { describe, expect, it } from "vitest";

/** A fetch that records each request and answers with the next queued headers. */
function fakeApi(answers: Record<string, string>[] = []) {
  const requests: Request[] = [];
  const fetch = async (request: Request) => {
    requests.push(request);
    const headers = { "Content-Type": "application/json", ...answers.shift() };
    return new Response(JSON.stringify({ status: "ok" }), { status: 200, headers });
  };
  return { requests, fetch };
}

describe("createEdgeStoreClient", () => {
  it("sends requests to baseUrl through the given fetch", async () => {
    const api = fakeApi();
    const client = createEdgeStoreClient({ baseUrl: "https://api.test", fetch: api.fetch });
    const { data } = await client.GET("/health");
    expect(data).toEqual({ status: "ok" });
    expect(api.requests[0]?.url).toBe("https://api.test/health");
  });

  it("adds the bearer token from getToken to every request, asked each time", async () => {
    const api = fakeApi();
    let token: string | undefined = "first";
    const client = createEdgeStoreClient({
      baseUrl: "https://api.test",
      fetch: api.fetch,
      getToken: () => token,
    });
    await client.GET("/api/v1/users/me");
    token = "second";
    await client.GET("/api/v1/users/me");
    token = undefined;
    await client.GET("/api/v1/products");
    expect(api.requests.map((r) => r.headers.get("Authorization"))).toEqual([
      "Bearer first",
      "Bearer second",
      null,
    ]);
  });

  it("keeps an Authorization header the caller set", async () => {
    const api = fakeApi();
    const client = createEdgeStoreClient({
      baseUrl: "https://api.test",
      fetch: api.fetch,
      getToken: async () => "from-getToken",
    });
    await client.GET("/api/v1/users/me", { headers: { Authorization: "Bearer explicit" } });
    expect(api.requests[0]?.headers.get("Authorization")).toBe("Bearer explicit");
  });

  it("sends back the last X-D1-Bookmark the API answered with", async () => {
    const api = fakeApi([{ [BOOKMARK_HEADER]: "b1" }, {}, { [BOOKMARK_HEADER]: "b2" }, {}]);
    const client = createEdgeStoreClient({ baseUrl: "https://api.test", fetch: api.fetch });
    expect(client.bookmark()).toBeUndefined();
    await client.GET("/api/v1/products");
    await client.GET("/api/v1/products");
    await client.GET("/api/v1/products");
    await client.GET("/api/v1/products");
    // A response without a bookmark keeps the last one: it is still the newest seen.
    expect(api.requests.map((r) => r.headers.get(BOOKMARK_HEADER))).toEqual([
      null,
      "b1",
      "b1",
      "b2",
    ]);
    expect(client.bookmark()).toBe("b2");
  });

  it("starts from a bookmark given at creation", async () => {
    const api = fakeApi();
    const client = createEdgeStoreClient({
      baseUrl: "https://api.test",
      fetch: api.fetch,
      bookmark: "kept",
    });
    await client.GET("/api/v1/products");
    expect(api.requests[0]?.headers.get(BOOKMARK_HEADER)).toBe("kept");
  });
});

describe("Idempotency-Key helpers", () => {
  it("a new key per operation; the header reuses the key it is given", () => {
    expect(newIdempotencyKey()).not.toBe(newIdempotencyKey());
    expect(newIdempotencyKey()).toMatch(/^[0-9a-f-]{36}$/);
    expect(idempotencyHeader("k-1")).toEqual({ "Idempotency-Key": "k-1" });
    expect(idempotencyHeader()["Idempotency-Key"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("isReplayed reads Idempotent-Replayed", () => {
    expect(isReplayed(new Response(null, { headers: { "Idempotent-Replayed": "true" } }))).toBe(
      true,
    );
    expect(isReplayed(new Response(null))).toBe(false);
  });
});
