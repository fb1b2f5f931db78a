import { z } from "@hono/zod-openapi";
import {
  type AppError,
  INTERNAL_ERROR,
  InvalidTokenError,
  MethodNotAllowedError,
  RateLimitedError,
} from "../lib/errors";

/**
 * RFC 6749 §5.2 error codes. The token endpoint's form grants (what OAuth2 client libraries
 * send) add one to their problems as the `error` member, so those libraries understand them.
 */
export const OAUTH2_ERRORS = [
  "invalid_request",
  "invalid_grant",
  "unsupported_grant_type",
] as const;
export type OAuth2Error = (typeof OAUTH2_ERRORS)[number];

/** RFC 9457 problem details, the body of every non-2xx response. */
export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: "/problems/out-of-stock" }),
    title: z.string().openapi({ example: "Out of stock" }),
    status: z.number().int().openapi({ example: 409 }),
    detail: z.string().openapi({ example: "Not enough stock for 'Blue mug' (asked 3, have 1)" }),
    code: z.string().openapi({ example: "out_of_stock" }),
    instance: z.string().openapi({ example: "0190b5c2-7a1e-7cc3-9f4a-5d2b6c1e8a90" }),
    errors: z
      .array(
        z.object({
          path: z.string().openapi({ example: "items.0.quantity" }),
          message: z.string().openapi({ example: "Too small: expected number to be >=1" }),
          code: z.string().openapi({ example: "too_small" }),
        }),
      )
      .optional(),
    error: z.enum(OAUTH2_ERRORS).optional().openapi({
      description:
        "RFC 6749 §5.2 error code; only on problems answering a form grant of the token endpoint (POST /api/v1/auth/login)",
      example: "invalid_grant",
    }),
  })
  .openapi("Problem");

export type Problem = z.infer<typeof ProblemSchema>;

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

export function problemType(code: string): string {
  return `/problems/${code.replaceAll("_", "-")}`;
}

export function toProblem(error: AppError, requestId: string): Problem {
  const problem: Problem = {
    type: problemType(error.code),
    title: error.title,
    status: error.status,
    detail: error.message,
    code: error.code,
    instance: requestId,
  };
  if ("errors" in error && Array.isArray(error.errors)) problem.errors = error.errors;
  return problem;
}

export function internalProblem(requestId: string): Problem {
  return {
    type: problemType(INTERNAL_ERROR.code),
    title: INTERNAL_ERROR.title,
    status: INTERNAL_ERROR.status,
    detail: INTERNAL_ERROR.detail,
    code: INTERNAL_ERROR.code,
    instance: requestId,
  };
}

/** Headers some statuses require: WWW-Authenticate on 401, Allow on 405, Retry-After on 429. */
function headersFor(error: AppError): Record<string, string> {
  if (error.status === 401) {
    // RFC 6750 §3.1: the error attribute only when a token was sent and refused.
    const challenge =
      error instanceof InvalidTokenError
        ? 'Bearer realm="api", error="invalid_token"'
        : 'Bearer realm="api"';
    return { "WWW-Authenticate": challenge };
  }
  if (error instanceof MethodNotAllowedError) return { Allow: error.allow.join(", ") };
  if (error instanceof RateLimitedError) return { "Retry-After": String(error.retryAfterSeconds) };
  return {};
}

export function problemResponse(problem: Problem, extraHeaders: Record<string, string> = {}) {
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { "Content-Type": PROBLEM_CONTENT_TYPE, ...extraHeaders },
  });
}

export function errorResponse(error: AppError, requestId: string): Response {
  return problemResponse(toProblem(error, requestId), headersFor(error));
}
