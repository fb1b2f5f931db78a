import { type AnyColumn, type SQL, sql } from "drizzle-orm";
import type { CursorPosition } from "../lib/cursor";

export type Direction = "asc" | "desc";

/**
 * WHERE clause for rows from `position` on, in (column, id) order. SQLite row values
 * use the (column, id) index for the seek.
 */
export function seekFrom(
  column: AnyColumn,
  idColumn: AnyColumn,
  direction: Direction,
  position: CursorPosition,
): SQL {
  return direction === "asc"
    ? sql`(${column}, ${idColumn}) >= (${position.value}, ${position.id})`
    : sql`(${column}, ${idColumn}) <= (${position.value}, ${position.id})`;
}
