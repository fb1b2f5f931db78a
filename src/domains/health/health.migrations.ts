import journal from "../../../migrations/meta/_journal.json";

/** The migration files bundled with this Worker, named as wrangler records them. */
export const BUNDLED_MIGRATIONS: readonly string[] = journal.entries.map(
  (entry) => `${entry.tag}.sql`,
);
