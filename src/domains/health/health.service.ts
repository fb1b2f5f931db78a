import type { SettingsResult } from "../../settings";
import type { HealthRepository } from "./health.repository";

export type CheckName = "database" | "migrations" | "config";
export type CheckResult = { ok: true } | { ok: false; reason: string };
export type Readiness = { ready: boolean; checks: Record<CheckName, CheckResult> };

/**
 * Readiness: D1 answers, every migration bundled with this Worker is applied, settings are
 * valid. Liveness touches nothing and needs no service.
 */
export class HealthService {
  constructor(
    private readonly repository: HealthRepository,
    private readonly bundledMigrations: readonly string[],
    private readonly settings: () => SettingsResult,
  ) {}

  async readiness(): Promise<Readiness> {
    const [database, migrations] = await Promise.all([
      this.checkDatabase(),
      this.checkMigrations(),
    ]);
    const config = this.checkConfig();
    const checks = { database, migrations, config };
    return { ready: Object.values(checks).every((check) => check.ok), checks };
  }

  private async checkDatabase(): Promise<CheckResult> {
    try {
      await this.repository.ping();
      return { ok: true };
    } catch {
      return { ok: false, reason: "the database did not answer" };
    }
  }

  private async checkMigrations(): Promise<CheckResult> {
    let applied: Set<string>;
    try {
      applied = new Set(await this.repository.appliedMigrations());
    } catch {
      return { ok: false, reason: "no migrations have been applied" };
    }
    const pending = this.bundledMigrations.filter((name) => !applied.has(name));
    if (pending.length === 0) return { ok: true };
    return { ok: false, reason: `pending migrations: ${pending.join(", ")}` };
  }

  private checkConfig(): CheckResult {
    const result = this.settings();
    return result.ok
      ? { ok: true }
      : { ok: false, reason: `invalid settings: ${result.invalid.join(", ")}` };
  }
}
