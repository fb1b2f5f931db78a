import type { FieldError } from "./errors";

type Issue = {
  path: readonly PropertyKey[];
  message: string;
  code: string;
  keys?: readonly string[];
  /** A custom issue (refine) may name its own code: `params: { code: "duplicate_product" }`. */
  params?: { code?: unknown };
};

/**
 * Zod issues as one entry per invalid field. An unknown-keys issue sits on the parent
 * object; it is split so each rejected field is named by its own path.
 */
export function fieldErrors(issues: readonly Issue[]): FieldError[] {
  return issues.flatMap((issue) => {
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
  });
}
