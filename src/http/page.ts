import { z } from "@hono/zod-openapi";
import { NEWEST_FIRST, type Page } from "../lib/cursor";
import { wholeNumberQuery } from "./query";

/** A page as HTTP sees it: `limit` and `cursor` in, `{ items, next_cursor }` and `Link` out. */
export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;

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

/**
 * `sort` for lists with one order, newest first: documented, and anything else is a 422
 * like on every list (a sort that is silently ignored would look like a bug in the data).
 */
export const newestFirstSort = z
  .enum([NEWEST_FIRST])
  .optional()
  .openapi({
    param: { description: `Only \`${NEWEST_FIRST}\` (newest first, the default)` },
    example: NEWEST_FIRST,
  });

/** RFC 8288 Link header for the next page, keeping the caller's other query parameters. */
export function nextPageLink(requestUrl: string, nextCursor: string): string {
  const url = new URL(requestUrl);
  url.searchParams.set("cursor", nextCursor);
  return `<${url.pathname}${url.search}>; rel="next"`;
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
