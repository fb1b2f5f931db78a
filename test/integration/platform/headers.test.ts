import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api } from "../../helpers/http";
import { createProbeApp, send } from "./probe-app";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("X-Request-Id", () => {
  it("mints a UUIDv7 when the caller sends none, a new one per request", async () => {
    const [first, second] = await Promise.all([api("/health"), api("/health")]);
    const ids = [first.headers.get("X-Request-Id"), second.headers.get("X-Request-Id")];
    expect(ids[0]).toMatch(UUID_V7);
    expect(ids[1]).toMatch(UUID_V7);
    expect(ids[0]).not.toBe(ids[1]);
  });

  it.each([
    ["letters, digits and . _ : -", "Trace_1.2:abc-DEF"],
    ["a single character", "x"],
    ["exactly 128 characters", "a".repeat(128)],
  ])("echoes a safe caller value: %s", async (_label, value) => {
    const res = await api("/health", { headers: { "X-Request-Id": value } });
    expect(res.headers.get("X-Request-Id")).toBe(value);
  });

  it.each([
    ["too long (129 characters)", "a".repeat(129)],
    ["spaces", "hello world"],
    ["markup", "<script>alert(1)</script>"],
    ["a quote and a semicolon", 'abc";x=1'],
    ["non-ASCII", "réquest"],
  ])("replaces an unsafe caller value: %s", async (_label, value) => {
    const res = await api("/health", { headers: { "X-Request-Id": value } });
    expect(res.headers.get("X-Request-Id")).toMatch(UUID_V7);
  });

  it("is on error responses too, and is the problem's instance", async () => {
    const res = await api("/api/v1/no-such-thing", {
      headers: { "X-Request-Id": "req-404-check" },
    });
    expect(res.status).toBe(404);
    expect(res.headers.get("X-Request-Id")).toBe("req-404-check");
    expect(await res.json()).toMatchObject({ instance: "req-404-check" });
  });
});

const SECURITY_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
};

function expectSecurityHeaders(res: Response): void {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    expect(res.headers.get(name), name).toBe(value);
  }
  expect(res.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
}

describe("security headers", () => {
  it("are on a success response", async () => {
    const res = await api("/health");
    expect(res.status).toBe(200);
    expectSecurityHeaders(res);
  });

  it("are on a 404 and a 405", async () => {
    expectSecurityHeaders(await api("/api/v1/no-such-thing"));
    expectSecurityHeaders(await api("/health", { method: "DELETE" }));
  });

  it("are on a 500 from an unexpected error", async () => {
    const res = await send(createProbeApp(), "/api/v1/_boom");
    expect(res.status).toBe(500);
    expectSecurityHeaders(res);
  });

  it("are on a validation error", async () => {
    const res = await send(createProbeApp(), "/api/v1/_probe", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{}",
    });
    expect(res.status).toBe(422);
    expectSecurityHeaders(res);
  });
});

// wrangler.toml's CORS_ORIGINS: http://localhost:8787,http://localhost:5173
const ALLOWED = "http://localhost:5173";
const FOREIGN = "https://evil.example";

describe("CORS", () => {
  it("a simple request from an allowed origin gets Access-Control-Allow-Origin and exposed headers", async () => {
    const res = await api("/health", { headers: { Origin: ALLOWED } });
    expect(res.status).toBe(200);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(ALLOWED);
    expect(res.headers.get("Vary")).toContain("Origin");
    const exposed = res.headers.get("Access-Control-Expose-Headers")?.split(",") ?? [];
    expect(exposed).toEqual(expect.arrayContaining(["X-Request-Id", "ETag", "Location", "Link"]));
  });

  it("error responses carry Access-Control-Allow-Origin too, so the browser can read the problem", async () => {
    const notFound = await api("/api/v1/no-such-thing", { headers: { Origin: ALLOWED } });
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get("Access-Control-Allow-Origin")).toBe(ALLOWED);
    const failed = await send(createProbeApp(), "/api/v1/_boom", { headers: { Origin: ALLOWED } });
    expect(failed.status).toBe(500);
    expect(failed.headers.get("Access-Control-Allow-Origin")).toBe(ALLOWED);
  });

  it("a foreign origin gets no Access-Control-Allow-Origin", async () => {
    const res = await api("/health", { headers: { Origin: FOREIGN } });
    expect(res.status).toBe(200);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });

  it("a preflight from an allowed origin is answered with the allowed methods and headers", async () => {
    const res = await api("/api/v1/products", {
      method: "OPTIONS",
      headers: {
        Origin: ALLOWED,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type",
      },
    });
    expect(res.status).toBe(204);
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(ALLOWED);
    expect(res.headers.get("Access-Control-Allow-Methods")?.split(",")).toEqual(
      expect.arrayContaining(["GET", "POST", "PUT", "PATCH", "DELETE"]),
    );
    expect(res.headers.get("Access-Control-Allow-Headers")?.split(",")).toEqual(
      expect.arrayContaining(["Authorization", "Content-Type", "If-Match", "Idempotency-Key"]),
    );
    expect(res.headers.get("Access-Control-Max-Age")).toBe("600");
  });

  it("a preflight from a foreign origin is not allowed", async () => {
    const res = await api("/api/v1/products", {
      method: "OPTIONS",
      headers: { Origin: FOREIGN, "Access-Control-Request-Method": "POST" },
    });
    expect(res.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });

  it("origins come from CORS_ORIGINS: another list allows another origin", async () => {
    const res = await send(
      createProbeApp(),
      "/health",
      { headers: { Origin: FOREIGN } },
      { ...env, CORS_ORIGINS: `${FOREIGN}, http://other.example` },
    );
    expect(res.headers.get("Access-Control-Allow-Origin")).toBe(FOREIGN);
  });
});
