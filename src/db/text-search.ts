import { type AnyColumn, or, type Placeholder, type SQL, sql } from "drizzle-orm";

/**
 * `q` appears in any of `columns`, literally and ignoring ASCII case (SQLite's `lower()` folds
 * ASCII only, as LIKE did). `instr` rather than LIKE: D1 refuses LIKE and GLOB patterns over
 * 50 bytes (local SQLite allows 50,000, so a LIKE search that works in tests fails deployed),
 * and `instr` has no wildcards, so `q` needs no escaping either. `q` may be a compiled
 * query's placeholder (src/db/compiled.ts).
 */
export function containsText(q: string | Placeholder, ...columns: AnyColumn[]): SQL {
  return or(...columns.map((column) => sql`instr(lower(${column}), lower(${q})) > 0`)) as SQL;
}
