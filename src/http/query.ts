import { z } from "@hono/zod-openapi";

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

/** A `true`/`false` query flag; anything else is a 422, never silently false. */
export const booleanQuery = z.enum(["true", "false"]).transform((value) => value === "true");

/** A free-text "contains" filter (`q`), trimmed and bounded. */
export function containsQuery(description: string, example: string) {
  return z.string().trim().min(1).max(100).optional().openapi({ param: { description }, example });
}
