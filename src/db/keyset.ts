import { type AnyColumn, type Placeholder, type SQL, sql } from "drizzle-orm";
import type { CursorPosition } from "../lib/cursor";

export type Direction = "asc" | "desc";

/** A cursor's position, or placeholders for it in a compiled query (src/db/compiled.ts). */
export type SeekPosition = CursorPosition | { value: Placeholder; id: Placeholder };

/**
 * WHERE clause for rows from `position` on, in (column, id) order. SQLite row values
 * use the (column, id) index for the seek.
 */
export function seekFrom(
  column: AnyColumn,
  idColumn: AnyColumn,
  direction: Direction,
  position: SeekPosition,
): SQL {
  return direction === "asc"
    ? sql`(${column}, ${idColumn}) >= (${position.value}, ${position.id})`
    : sql`(${column}, ${idColumn}) <= (${position.value}, ${position.id})`;
}
