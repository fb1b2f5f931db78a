import type { LogFields } from "./logger";

/** Drizzle's query errors carry the SQL and its bound values (hashes, tokens, emails). */
type QueryError = Error & { query: string; params: unknown[] };

function isQueryError(error: Error): error is QueryError {
  return typeof (error as Partial<QueryError>).query === "string" && "params" in error;
}

/** Only the frames: a stack's first lines repeat the message, which may hold values. */
function framesOf(error: Error): string | null {
  if (!error.stack) return null;
  return error.stack
    .split("\n")
    .filter((line) => line.trimStart().startsWith("at "))
    .join("\n");
}

/**
 * Log fields for an unexpected error, with bound query values left out: the SQL text and
 * the driver's own message (which names a failed constraint, never a value) are kept.
 */
export function errorLogFields(error: unknown): LogFields {
  if (!(error instanceof Error)) return { error: "unknown", error_message: null };
  const cause = error.cause instanceof Error ? error.cause : undefined;
  const message = isQueryError(error) ? `Failed query: ${error.query}` : error.message;
  return {
    error: error.name,
    error_message: message,
    cause: cause ? `${cause.name}: ${cause.message}` : null,
    stack: framesOf(error),
  };
}
