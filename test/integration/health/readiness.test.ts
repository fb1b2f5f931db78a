import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../../src/app";
import { createDatabase } from "../../../src/db/client";
import { BUNDLED_MIGRATIONS } from "../../../src/domains/health/health.migrations";
import { D1HealthRepository } from "../../../src/domains/health/health.repository";
import { HealthService } from "../../../src/domains/health/health.service";
import { loadSettings } from "../../../src/settings";

describe("GET /health/ready when a bundled migration is not applied", () => {
  it("is a 503 not_ready problem naming the pending migration", async () => {
    const health = new HealthService(
      new D1HealthRepository(createDatabase(env.DB)),
      [...BUNDLED_MIGRATIONS, "9999_not_applied.sql"],
      () => loadSettings(env),
    );
    const app = createApp({ overrides: { health } });
    const res = await app.request("http://localhost/health/ready", {}, env);
    expect(res.status).toBe(503);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    expect(await res.json()).toMatchObject({
      code: "not_ready",
      errors: [
        {
          path: "checks.migrations",
          message: "pending migrations: 9999_not_applied.sql",
          code: "check_failed",
        },
      ],
    });
  });
});
