import { base64url } from "jose";
import { z } from "zod";
import { FieldValidationError } from "./errors";

/**
 * Keyset ("seek") pagination. A page fetches `limit + 1` rows; the extra row tells that a
 * next page exists and becomes its start. The cursor is an opaque token naming the sort it
 * belongs to and that row's sort value and id. The next page seeks to that pair inclusively
 * (SQLite lands exactly on it, where a strict bound would read the previous row again), so a
 * page reads at most `limit + 1` rows however deep the client goes. The SQL side is
 * `db/keyset.ts`; the HTTP side (query schema, Link header) is `http/page.ts`.
 */
export type SortValue = string | number;
export type CursorPosition = { value: SortValue; id: string };
export type Page<T> = { items: T[]; nextCursor: string | null };
export type PageRequest = { limit: number; cursor?: CursorPosition | undefined };

const CursorPayload = z.strictObject({
  k: z.string(),
  v: z.union([z.string(), z.number()]),
  i: z.string().min(1).max(64),
});

export class InvalidCursorError extends FieldValidationError {
  static override readonly code = "invalid_cursor";
  constructor() {
    super(
      "cursor",
      "The cursor is malformed or belongs to another sort order; start again without it",
    );
  }
}

export function encodeCursor(sortKey: string, position: CursorPosition): string {
  return base64url.encode(JSON.stringify({ k: sortKey, v: position.value, i: position.id }));
}

/** Decodes a cursor, refusing one minted for a different sort (its position would be meaningless). */
export function decodeCursor(
  token: string | undefined,
  sortKey: string,
  valueType: "string" | "number" = "string",
): CursorPosition | undefined {
  if (token === undefined) return undefined;
  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder().decode(base64url.decode(token)));
  } catch {
    throw new InvalidCursorError();
  }
  const parsed = CursorPayload.safeParse(payload);
  // A value of the wrong type would compare against every row and silently end the list.
  if (!parsed.success || parsed.data.k !== sortKey || typeof parsed.data.v !== valueType) {
    throw new InvalidCursorError();
  }
  return { value: parsed.data.v, id: parsed.data.i };
}

/** Splits off the extra row fetched past `limit`: it starts the next page. */
export function toPage<T>(
  rows: T[],
  limit: number,
  sortKey: string,
  positionOf: (row: T) => CursorPosition,
): Page<T> {
  const next = rows[limit];
  if (next === undefined) return { items: rows, nextCursor: null };
  return { items: rows.slice(0, limit), nextCursor: encodeCursor(sortKey, positionOf(next)) };
}

/** The order of lists that have one: newest first, by creation time then id. */
export const NEWEST_FIRST = "-created_at";

/** A newest-first page: decodes the cursor, reads `limit + 1` rows with `read`, splits them. */
export async function newestFirstPage<T extends { createdAt: string; id: string }>(
  request: { limit: number; cursor?: string | undefined },
  read: (page: PageRequest) => Promise<T[]>,
): Promise<Page<T>> {
  const cursor = decodeCursor(request.cursor, NEWEST_FIRST);
  const rows = await read({ limit: request.limit, cursor });
  return toPage(rows, request.limit, NEWEST_FIRST, (row) => ({ value: row.createdAt, id: row.id }));
}
