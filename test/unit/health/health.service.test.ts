import { describe, expect, it } from "vitest";
import type { HealthRepository } from "../../../src/domains/health/health.repository";
import { HealthService } from "../../../src/domains/health/health.service";
import type { SettingsResult } from "../../../src/settings";

const BUNDLED = ["0000_init.sql", "0001_orders_status_indexes.sql"];
const validSettings = (): SettingsResult => ({ ok: true, settings: {} as never });

function repository(options: { ping?: () => Promise<void>; applied?: () => Promise<string[]> }) {
  return {
    ping: options.ping ?? (async () => {}),
    appliedMigrations: options.applied ?? (async () => [...BUNDLED]),
  } satisfies HealthRepository;
}

describe("HealthService.readiness", () => {
  it("is ready when the database answers, every bundled migration is applied and settings are valid", async () => {
    const health = new HealthService(repository({}), BUNDLED, validSettings);
    expect(await health.readiness()).toEqual({
      ready: true,
      checks: { database: { ok: true }, migrations: { ok: true }, config: { ok: true } },
    });
  });

  it("names the pending migrations", async () => {
    const health = new HealthService(
      repository({ applied: async () => ["0000_init.sql"] }),
      BUNDLED,
      validSettings,
    );
    const result = await health.readiness();
    expect(result.ready).toBe(false);
    expect(result.checks.migrations).toEqual({
      ok: false,
      reason: "pending migrations: 0001_orders_status_indexes.sql",
    });
    expect(result.checks.database).toEqual({ ok: true });
  });

  it("fails the database check when D1 does not answer, and the migrations check without the table", async () => {
    const down = async () => {
      throw new Error("D1 unavailable");
    };
    const health = new HealthService(
      repository({ ping: down, applied: down }),
      BUNDLED,
      validSettings,
    );
    const result = await health.readiness();
    expect(result.ready).toBe(false);
    expect(result.checks.database).toMatchObject({ ok: false });
    expect(result.checks.migrations).toMatchObject({ ok: false });
  });

  it("fails the config check naming the bad settings only", async () => {
    const health = new HealthService(repository({}), BUNDLED, () => ({
      ok: false,
      invalid: ["JWT_SECRET"],
    }));
    const result = await health.readiness();
    expect(result.checks.config).toEqual({ ok: false, reason: "invalid settings: JWT_SECRET" });
  });
});
