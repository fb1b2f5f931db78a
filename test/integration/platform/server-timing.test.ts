import { describe, expect, it } from "vitest";
import { api } from "../../helpers/http";
import { createProduct } from "../../helpers/products";
import { countedRequest, reportedTrips } from "../../helpers/round-trips";

const SERVER_TIMING =
  /^d1;dur=\d+(?:\.\d+)?;desc="(\d+) round trips", total;dur=\d+(?:\.\d+)?(?:, cache;desc="hit")?$/;

describe("Server-Timing", () => {
  it("reports 0 round trips for the liveness probe", async () => {
    const res = await api("/health");
    expect(res.headers.get("Server-Timing")).toMatch(SERVER_TIMING);
    expect(reportedTrips(res)).toBe(0);
  });

  it("reports the round trips the request really made", async () => {
    const product = await createProduct();
    const { response, trips } = await countedRequest(`/api/v1/products/${product.id}`);
    expect(response.status).toBe(200);
    expect(trips).toBe(1);
    expect(reportedTrips(response)).toBe(trips);
    expect(response.headers.get("Server-Timing")).toMatch(SERVER_TIMING);
  });

  it.each([
    ["an unknown path (404)", "GET", "/api/v1/no-such-thing"],
    ["a method the path does not serve (405)", "DELETE", "/api/v1/products"],
    ["a validation failure (422)", "GET", "/api/v1/products/not-a-uuid"],
    ["the OpenAPI document", "GET", "/api/v1/openapi.json"],
    ["the docs page", "GET", "/docs"],
    ["a problem from auth (401)", "GET", "/api/v1/users/me"],
  ])("is on %s", async (_label, method, path) => {
    const res = await api(path, { method });
    expect(res.headers.get("Server-Timing"), `${method} ${path}`).toMatch(SERVER_TIMING);
  });

  it("is readable by browsers on allowed origins (CORS exposes it and the bookmark)", async () => {
    const res = await api("/health", { headers: { Origin: "http://localhost:5173" } });
    const exposed = (res.headers.get("Access-Control-Expose-Headers") ?? "")
      .split(",")
      .map((name) => name.trim().toLowerCase());
    expect(exposed).toEqual(expect.arrayContaining(["server-timing", "x-d1-bookmark", "x-cache"]));
  });

  it("lets a browser send X-D1-Bookmark (preflight allows it)", async () => {
    const res = await api("/api/v1/products", {
      method: "OPTIONS",
      headers: {
        Origin: "http://localhost:5173",
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "x-d1-bookmark",
      },
    });
    expect((res.headers.get("Access-Control-Allow-Headers") ?? "").toLowerCase()).toContain(
      "x-d1-bookmark",
    );
  });
});
