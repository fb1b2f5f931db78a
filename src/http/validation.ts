import { type FieldError, ValidationError } from "../lib/errors";

type Issue = {
  path: readonly PropertyKey[];
  message: string;
  code: string;
  keys?: readonly string[];
  /** A custom issue (refine) may name its own code: `params: { code: "duplicate_product" }`. */
  params?: { code?: unknown };
};

/** Enough to fix a request; a body of 5,000 unknown keys must not get a 400 KB answer. */
export const MAX_FIELD_ERRORS = 50;

/**
 * Zod issues as one entry per invalid field (the first issue of a field wins: 2^53 is both
 * unsafe and too big), at most MAX_FIELD_ERRORS. An unknown-keys issue sits on the parent
 * object; it is split so each rejected field is named by its own path.
 */
export function fieldErrors(issues: readonly Issue[]): FieldError[] {
  const seen = new Set<string>();
  return issues
    .flatMap(toFieldErrors)
    .filter((error) => !seen.has(error.path) && seen.add(error.path))
    .slice(0, MAX_FIELD_ERRORS);
}

function toFieldErrors(issue: Issue): FieldError[] {
  const path = issue.path.map(String);
  if (issue.code === "unrecognized_keys" && issue.keys?.length) {
    return issue.keys.map((key) => ({
      path: [...path, key].join("."),
      message: `Unknown field '${key}'`,
      code: "unrecognized_keys",
    }));
  }
  const code =
    issue.code === "custom" && typeof issue.params?.code === "string"
      ? issue.params.code
      : issue.code;
  return [{ path: path.join("."), message: issue.message, code }];
}

export type ValidationResult = { success: boolean; error?: { issues: readonly Issue[] } };

/** Zod failures anywhere (params, query, body) become one 422 problem with an entry per field. */
export function validationHook(result: ValidationResult): void {
  if (result.success || !result.error) return;
  throw new ValidationError(fieldErrors(result.error.issues));
}
