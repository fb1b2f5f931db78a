import { type AnyColumn, or, type SQL, sql } from "drizzle-orm";

/**
 * `q` appears in any of `columns`, literally: LIKE's wildcards (% and _) in it are escaped.
 * SQLite's LIKE ignores ASCII case, so this is a case-insensitive "contains".
 */
export function containsText(q: string, ...columns: AnyColumn[]): SQL {
  const pattern = `%${q.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
  return or(...columns.map((column) => sql`${column} LIKE ${pattern} ESCAPE '\\'`)) as SQL;
}
