import { env } from "cloudflare:workers";

/** A statement as the D1 binding was asked to run it. */
export type RecordedQuery = { sql: string; params: unknown[] };

/**
 * The DB binding, recording every statement prepared on it (at the D1, so compiled queries
 * and Drizzle-built batches are seen alike: neither goes through Drizzle's logger).
 */
export function recordingD1(): { d1: D1Database; queries: RecordedQuery[] } {
  const queries: RecordedQuery[] = [];
  const d1 = {
    prepare: (sql: string) => ({
      bind: (...params: unknown[]) => {
        queries.push({ sql, params });
        return env.DB.prepare(sql).bind(...params);
      },
    }),
    batch: (statements: D1PreparedStatement[]) => env.DB.batch(statements),
  } as unknown as D1Database;
  return { d1, queries };
}

/** Re-runs a recorded statement through the D1 binding to read its `meta.rows_read`. */
export async function rowsRead(query: RecordedQuery): Promise<number> {
  const result = await env.DB.prepare(query.sql)
    .bind(...query.params)
    .all();
  return result.meta.rows_read;
}
