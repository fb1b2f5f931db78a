import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../http/app-env";
import { essence } from "../../http/media-type";
import type { OAuth2Error, Problem } from "../../http/problem";
import { type ValidationResult, validationHook } from "../../http/validation";
import { BadRequestError } from "../../lib/errors";

/**
 * The token endpoint (POST /auth/login) as OAuth2 clients see it (RFC 6749 §5.2): their
 * grants come as forms, and their problems name an `error` those clients understand. JSON
 * logins are not OAuth2 and keep plain problems.
 */

export const FORM_CONTENT_TYPE = "application/x-www-form-urlencoded";
/** The same form as `curl -F` sends it; declared, since operations take only what they declare. */
export const MULTIPART_CONTENT_TYPE = "multipart/form-data";

export class UnsupportedGrantTypeError extends BadRequestError {
  static override readonly code = "unsupported_grant_type";
  static override readonly title = "Unsupported grant type";
  static override readonly detail = "grant_type must be 'password' or 'refresh_token'";
}

/** The RFC 6749 error for a problem of the token endpoint; none for 429 and 5xx (no code fits). */
export function oauth2ErrorOf(problem: Pick<Problem, "status" | "code">): OAuth2Error | undefined {
  if (problem.code === UnsupportedGrantTypeError.code) return "unsupported_grant_type";
  // Wrong password, disabled account, spent, reused or expired refresh token.
  if (problem.status === 401 || problem.status === 403) return "invalid_grant";
  if (problem.status === 400 || problem.status === 413 || problem.status === 422) {
    return "invalid_request";
  }
  return undefined;
}

function isForm(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const type = essence(contentType);
  return type === FORM_CONTENT_TYPE || type === MULTIPART_CONTENT_TYPE;
}

/**
 * Validation of the token endpoint's bodies: a form whose `grant_type` is neither grant is
 * RFC 6749's `unsupported_grant_type` (400), not a field error; the rest as everywhere.
 */
export function tokenRequestHook(result: ValidationResult & { target: string }): undefined {
  const unknownGrant = result.error?.issues.some(
    (issue) =>
      issue.code === "invalid_union" && issue.path.length === 1 && issue.path[0] === "grant_type",
  );
  if (!result.success && result.target === "form" && unknownGrant) {
    throw new UnsupportedGrantTypeError();
  }
  validationHook(result);
  return undefined;
}

/**
 * Adds the `error` member to a problem answering a form grant. The problem is already
 * rendered by app.onError (a route's errors never reach its middleware as exceptions: Hono
 * hands them to onError and records them in `c.error`), so its body is extended here.
 */
export const oauth2ErrorMember = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  if (c.error === undefined || !isForm(c.req.header("Content-Type"))) return;
  const problem = (await c.res.clone().json()) as Problem;
  const error = oauth2ErrorOf(problem);
  if (error) c.res = new Response(JSON.stringify({ ...problem, error }), c.res);
});
