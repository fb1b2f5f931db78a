import { DrizzleQueryError } from "drizzle-orm/errors";

/**
 * What a failed query really threw: Drizzle wraps a single query's failure (not a batch's)
 * in DrizzleQueryError. The account check that rides a request's first query throws a
 * domain error (401/403) that must reach the error mapping as itself.
 */
export function unwrapQueryError(error: Error): Error {
  return error instanceof DrizzleQueryError && error.cause instanceof Error ? error.cause : error;
}
