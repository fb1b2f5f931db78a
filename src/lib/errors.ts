/**
 * Domain errors. Services throw these; they know nothing about HTTP. Each class carries
 * its facts (status, code, title) once: `http/problem.ts` renders an instance as RFC 9457,
 * and a route lists the classes it can throw (`errors: [...]`) so the OpenAPI document's
 * problem examples come from the same facts.
 */
export type FieldError = { path: string; message: string; code: string };

export type ErrorStatus =
  | 400
  | 401
  | 403
  | 404
  | 405
  | 409
  | 412
  | 413
  | 415
  | 422
  | 429
  | 500
  | 503;

/** The fixed facts of an error class: what a route lists and the document shows. */
export type ErrorClass = {
  readonly status: ErrorStatus;
  /** Stable, machine-readable snake_case code clients can switch on. */
  readonly code: string;
  /** Short, human title that does not change between occurrences. */
  readonly title: string;
  /** The default explanation of one occurrence. */
  readonly detail: string;
};

export abstract class AppError extends Error {
  static readonly status: ErrorStatus = 500;
  static readonly code: string = "internal_error";
  static readonly title: string = "Internal server error";
  /** What the problem's `detail` says when the throw site has nothing more particular. */
  static readonly detail: string =
    "Something went wrong on our side. Quote the instance id when reporting it.";

  readonly status: ErrorStatus;
  readonly code: string;
  readonly title: string;

  constructor(detail: string = new.target.detail) {
    super(detail);
    this.name = new.target.name;
    // The facts of the class actually thrown (a subclass overrides the statics).
    this.status = new.target.status;
    this.code = new.target.code;
    this.title = new.target.title;
  }
}

/** The facts of an unexpected error: not a class anyone throws, only documented and rendered. */
export const INTERNAL_ERROR: ErrorClass = AppError;

export class BadRequestError extends AppError {
  static override readonly status = 400;
  static override readonly code: string = "bad_request";
  static override readonly title: string = "Bad request";
}

export class MalformedJsonError extends BadRequestError {
  static override readonly code = "malformed_json";
  static override readonly detail: string = "The body is not valid JSON";
}

export class MalformedBodyError extends BadRequestError {
  static override readonly code = "malformed_body";
  static override readonly detail: string = "The body does not parse as its Content-Type";
}

export class UnauthenticatedError extends AppError {
  static override readonly status = 401;
  static override readonly code: string = "unauthenticated";
  static override readonly title: string = "Unauthenticated";
  static override readonly detail: string = "Missing or invalid credentials";
}

/** A bearer token was sent and refused (RFC 6750 `error="invalid_token"`). */
export class InvalidTokenError extends UnauthenticatedError {
  static override readonly code = "invalid_token";
}

export class ForbiddenError extends AppError {
  static override readonly status = 403;
  static override readonly code: string = "forbidden";
  static override readonly title: string = "Forbidden";
  static override readonly detail: string = "You are not allowed to do this";
}

export class NotFoundError extends AppError {
  static override readonly status = 404;
  static override readonly code: string = "not_found";
  static override readonly title: string = "Not found";
  static override readonly detail: string = "The resource does not exist";
}

export class MethodNotAllowedError extends AppError {
  static override readonly status = 405;
  static override readonly code = "method_not_allowed";
  static override readonly title = "Method not allowed";
  constructor(readonly allow: readonly string[]) {
    super(`Allowed methods: ${allow.join(", ")}`);
  }
}

export class ConflictError extends AppError {
  static override readonly status = 409;
  static override readonly code: string = "conflict";
  static override readonly title: string = "Conflict";
}

export class PreconditionFailedError extends AppError {
  static override readonly status = 412;
  static override readonly code = "precondition_failed";
  static override readonly title = "Precondition failed";
  static override readonly detail: string =
    "The resource has changed since you last read it (If-Match failed)";
}

export class PayloadTooLargeError extends AppError {
  static override readonly status = 413;
  static override readonly code = "payload_too_large";
  static override readonly title = "Payload too large";
  constructor(limitBytes: number) {
    super(`Request bodies are limited to ${limitBytes} bytes`);
  }
}

export class UnsupportedMediaTypeError extends AppError {
  static override readonly status = 415;
  static override readonly code = "unsupported_media_type";
  static override readonly title = "Unsupported media type";
  constructor(accepted: readonly string[]) {
    super(`Send the body as ${accepted.join(" or ")}`);
  }
}

export class ValidationError extends AppError {
  static override readonly status = 422;
  static override readonly code: string = "validation_failed";
  static override readonly title: string = "Validation failed";
  constructor(
    readonly errors: FieldError[],
    detail = "The request is not valid; see errors for each field",
  ) {
    super(detail);
  }
}

/** A 422 about one field whose code is the error's own (`invalid_cursor`, `mixed_currency`). */
export abstract class FieldValidationError extends ValidationError {
  constructor(path: string, message: string) {
    super([{ path, message, code: new.target.code }], message);
  }
}

export class RateLimitedError extends AppError {
  static override readonly status = 429;
  static override readonly code = "rate_limited";
  static override readonly title = "Too many requests";
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many requests; retry in ${retryAfterSeconds} s`);
  }
}

export class ServiceUnavailableError extends AppError {
  static override readonly status = 503;
  static override readonly code: string = "unavailable";
  static override readonly title: string = "Service unavailable";
}

/** Settings that do not validate: named, never their values. */
export class MisconfiguredError extends ServiceUnavailableError {
  static override readonly code = "misconfigured";
}

/** The generic class of each status, whose title names the status in the document. */
const BY_STATUS: readonly ErrorClass[] = [
  BadRequestError,
  UnauthenticatedError,
  ForbiddenError,
  NotFoundError,
  MethodNotAllowedError,
  ConflictError,
  PreconditionFailedError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  ValidationError,
  RateLimitedError,
  INTERNAL_ERROR,
  ServiceUnavailableError,
];

/** "Not found" for 404: the title of the status's generic class. */
export function statusTitle(status: ErrorStatus): string {
  return BY_STATUS.find((facts) => facts.status === status)?.title ?? "Error";
}
