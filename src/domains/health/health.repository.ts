import { sql } from "drizzle-orm";
import type { Database } from "../../db/client";

export interface HealthRepository {
  ping(): Promise<void>;
  /** Names of migrations recorded as applied (wrangler's `d1_migrations` table). */
  appliedMigrations(): Promise<string[]>;
}

export class D1HealthRepository implements HealthRepository {
  constructor(private readonly db: Database) {}

  async ping(): Promise<void> {
    await this.db.run(sql`SELECT 1`);
  }

  async appliedMigrations(): Promise<string[]> {
    const rows = await this.db.all<{ name: string }>(sql`SELECT name FROM d1_migrations`);
    return rows.map((row) => row.name);
  }
}
