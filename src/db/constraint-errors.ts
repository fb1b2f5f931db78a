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

export function isConstraintError(error: unknown, kind: ConstraintKind): boolean {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    if (PATTERNS[kind].test(current.message)) return true;
    current = current.cause;
  }
  return false;
}
