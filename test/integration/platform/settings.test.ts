import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Problem } from "../../../src/http/problem";
import type { Bindings } from "../../../src/settings";
import { createProbeApp, send } from "./probe-app";

const SHORT_SECRET = "tiny-secret-7f3a";
const DEV_DEFAULT_SECRET = "replace-with-at-least-32-random-bytes-base64url";

/** A production configuration that is valid except for the given overrides. */
function production(overrides: Partial<Bindings>): Bindings {
  return {
    ...env,
    APP_ENV: "production",
    JWT_SECRET: "prod-secret-0123456789-abcdefghijklmnopqrstuvwxyz",
    MAILER: "http",
    MAIL_API_URL: "https://mail.example.com/send",
    MAIL_API_KEY: "mail-api-key-value-1234",
    PASSWORD_RESET_URL: "https://shop.example.com/reset-password",
    ...overrides,
  };
}

describe("invalid settings", () => {
  const app = createProbeApp();

  it("a valid production configuration is ready (the baseline for the cases below)", async () => {
    const res = await send(app, "/health/ready", {}, production({}));
    expect(res.status).toBe(200);
  });

  it.each([
    ["a short JWT_SECRET", SHORT_SECRET],
    ["the development default JWT_SECRET", DEV_DEFAULT_SECRET],
  ])(
    "%s in production: /health/ready is 503 naming JWT_SECRET, never its value",
    async (_label, secret) => {
      const res = await send(app, "/health/ready", {}, production({ JWT_SECRET: secret }));
      expect(res.status).toBe(503);
      expect(res.headers.get("Content-Type")).toBe("application/problem+json");
      const text = await res.clone().text();
      expect(text).not.toContain(secret);
      const problem = await res.json<Problem>();
      expect(problem).toMatchObject({ status: 503, code: "not_ready" });
      expect(problem.errors).toEqual([
        { path: "checks.config", message: "invalid settings: JWT_SECRET", code: "check_failed" },
      ]);
    },
  );

  it("any /api/* call is a 503 problem naming the bad setting, never its value", async () => {
    const res = await send(
      app,
      "/api/v1/_probe",
      {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ name: "Blue mug", quantity: 1 }),
      },
      production({ JWT_SECRET: SHORT_SECRET }),
    );
    expect(res.status).toBe(503);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    const text = await res.clone().text();
    expect(text).not.toContain(SHORT_SECRET);
    const problem = await res.json<Problem>();
    expect(problem).toMatchObject({ status: 503, code: "misconfigured" });
    expect(problem.detail).toContain("JWT_SECRET");
  });

  it("names every bad setting (the log mailer outside development too)", async () => {
    const res = await send(
      app,
      "/api/v1/openapi.json",
      {},
      production({ JWT_SECRET: SHORT_SECRET, MAILER: "log" }),
    );
    expect(res.status).toBe(503);
    const problem = await res.json<Problem>();
    expect(problem.detail).toContain("JWT_SECRET");
    expect(problem.detail).toContain("MAILER");
  });

  it("liveness touches nothing, so it stays 200", async () => {
    const res = await send(app, "/health", {}, production({ JWT_SECRET: SHORT_SECRET }));
    expect(res.status).toBe(200);
  });
});
