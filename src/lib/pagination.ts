import { z } from "@hono/zod-openapi";
import { type AnyColumn, type SQL, sql } from "drizzle-orm";
import { base64UrlToBytes, bytesToBase64Url } from "./encoding";
import { FieldValidationError } from "./errors";

/**
 * Keyset ("seek") pagination. A page fetches `limit + 1` rows; the extra row tells that a
 * next page exists and becomes its start. The cursor is an opaque token naming the sort it
 * belongs to and that row's sort value and id. The next page seeks to that pair inclusively
 * (SQLite lands exactly on it, where a strict bound would read the previous row again), so a
 * page reads at most `limit + 1` rows however deep the client goes.
 */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

/**
 * A whole-number query parameter written as plain digits. `z.coerce` would also take `1e2`,
 * `0x5`, ` 5 ` and `` (as 0); those are a 422 here.
 */
export function wholeNumberQuery<T extends z.ZodNumber>(schema: T) {
  return z.preprocess(
    (value) => (typeof value === "string" && /^\d{1,15}$/.test(value) ? Number(value) : value),
    schema,
  );
}

export const PageQuerySchema = z.object({
  limit: wholeNumberQuery(z.number().int().min(1).max(MAX_PAGE_SIZE))
    .default(DEFAULT_PAGE_SIZE)
    .openapi({ param: { description: "Page size, 1..100" }, example: 20 }),
  cursor: z
    .string()
    .min(1)
    .max(512)
    .optional()
    .openapi({
      param: { description: "Opaque cursor: `next_cursor` from the previous page" },
      example: "eyJrIjoiLWNyZWF0ZWRfYXQiLCJ2IjoiMjAyNi0xMS0yMVQxMDowMDowMC4wMDBaIiwiaSI6IjAxOTAifQ",
    }),
});

export type SortValue = string | number;
export type CursorPosition = { value: SortValue; id: string };
export type Page<T> = { items: T[]; nextCursor: string | null };
export type PageRequest = { limit: number; cursor?: CursorPosition | undefined };

const CursorPayload = z.strictObject({
  k: z.string(),
  v: z.union([z.string(), z.number()]),
  i: z.string().min(1).max(64),
});

export function encodeCursor(sortKey: string, position: CursorPosition): string {
  const json = JSON.stringify({ k: sortKey, v: position.value, i: position.id });
  return bytesToBase64Url(new TextEncoder().encode(json));
}

export class InvalidCursorError extends FieldValidationError {
  static override readonly code = "invalid_cursor";
  constructor() {
    super(
      "cursor",
      "The cursor is malformed or belongs to another sort order; start again without it",
    );
  }
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
    payload = JSON.parse(new TextDecoder().decode(base64UrlToBytes(token)));
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

/** RFC 8288 Link header for the next page, keeping the caller's other query parameters. */
export function nextPageLink(requestUrl: string, nextCursor: string): string {
  const url = new URL(requestUrl);
  url.searchParams.set("cursor", nextCursor);
  return `<${url.pathname}${url.search}>; rel="next"`;
}

export function pageResponseSchema<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({
      items: z.array(item),
      next_cursor: z
        .string()
        .nullable()
        .openapi({ description: "Pass as `cursor` to get the next page; null on the last page" }),
    })
    .openapi(name);
}

/** A `true`/`false` query flag; anything else is a 422, never silently false. */
export const booleanQuery = z.enum(["true", "false"]).transform((value) => value === "true");

/** A free-text "contains" filter (`q`), trimmed and bounded. */
export function containsQuery(description: string, example: string) {
  return z.string().trim().min(1).max(100).optional().openapi({ param: { description }, example });
}

/**
 * `sort` for lists with one order, newest first: documented, and anything else is a 422
 * like on every list (a sort that is silently ignored would look like a bug in the data).
 */
export const newestFirstSort = z
  .enum(["-created_at"])
  .optional()
  .openapi({
    param: { description: "Only `-created_at` (newest first, the default)" },
    example: "-created_at",
  });

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

/** A page as every list answers it: `{ items, next_cursor }`, with `Link: rel="next"`. */
export function pageBody<T, R>(
  c: { req: { url: string }; header(name: string, value: string): void },
  page: Page<T>,
  toItem: (item: T) => R,
): { items: R[]; next_cursor: string | null } {
  if (page.nextCursor) c.header("Link", nextPageLink(c.req.url, page.nextCursor));
  return { items: page.items.map(toItem), next_cursor: page.nextCursor };
}
