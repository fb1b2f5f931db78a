/**
 * Recognises SQLite constraint failures however D1 and Drizzle wrap them (Drizzle puts the
 * driver's error in `cause`), so repositories can turn them into plain results.
 */
export type ConstraintKind = "unique" | "foreign_key" | "check";

const PATTERNS: Record<ConstraintKind, RegExp> = {
  unique: /UNIQUE constraint failed/i,
  foreign_key: /FOREIGN KEY constraint failed/i,
  check: /CHECK constraint failed/i,
};

/**
 * `name`, when given, must also appear in the message: SQLite names the failed CHECK
 * constraint (`CHECK constraint failed: products_stock_non_negative`) and the columns of a
 * failed UNIQUE one (`UNIQUE constraint failed: idempotency_keys.user_id, ...`), which tells
 * apart the statements of one batch.
 */
export function isConstraintError(error: unknown, kind: ConstraintKind, name?: string): boolean {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    const message = current.message;
    if (PATTERNS[kind].test(message) && (name === undefined || message.includes(name))) return true;
    current = current.cause;
  }
  return false;
}
