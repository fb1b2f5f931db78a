import { type AnyColumn, type SQL, sql } from "drizzle-orm";

/**
 * `column IN ('a', 'b')` for a CHECK constraint, from the same `as const` list that types the
 * column and the API's `z.enum`, so the database refuses exactly what the code cannot name.
 */
export function oneOf(column: AnyColumn, values: readonly string[]): SQL {
  const list = values.map((value) => `'${value.replaceAll("'", "''")}'`).join(", ");
  return sql`${column} IN (${sql.raw(list)})`;
}
