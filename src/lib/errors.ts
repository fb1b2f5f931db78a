/**
 * Domain errors. Services throw these; they know nothing about HTTP. `http/problem.ts`
 * is the one place that maps each kind to a status code and an RFC 9457 body.
 */
export type FieldError = { path: string; message: string; code: string };

export type ErrorKind =
  | "bad_request"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "method_not_allowed"
  | "conflict"
  | "precondition_failed"
  | "payload_too_large"
  | "unsupported_media_type"
  | "validation"
  | "rate_limited"
  | "unavailable";

export abstract class AppError extends Error {
  abstract readonly kind: ErrorKind;
  /** Stable, machine-readable snake_case code clients can switch on. */
  readonly code: string;
  /** Short, human title that does not change between occurrences. */
  readonly title: string;

  constructor(code: string, title: string, detail: string) {
    super(detail);
    this.name = new.target.name;
    this.code = code;
    this.title = title;
  }
}

export class BadRequestError extends AppError {
  readonly kind = "bad_request";
}

export class UnauthenticatedError extends AppError {
  readonly kind = "unauthenticated";
  constructor(code = "unauthenticated", detail = "Missing or invalid credentials") {
    super(code, "Unauthenticated", detail);
  }
}

export class ForbiddenError extends AppError {
  readonly kind = "forbidden";
  constructor(code = "forbidden", detail = "You are not allowed to do this") {
    super(code, "Forbidden", detail);
  }
}

export class NotFoundError extends AppError {
  readonly kind = "not_found";
  constructor(code = "not_found", detail = "The resource does not exist") {
    super(code, "Not found", detail);
  }
}

export class MethodNotAllowedError extends AppError {
  readonly kind = "method_not_allowed";
  constructor(readonly allow: readonly string[]) {
    super("method_not_allowed", "Method not allowed", `Allowed methods: ${allow.join(", ")}`);
  }
}

export class ConflictError extends AppError {
  readonly kind = "conflict";
}

export class PreconditionFailedError extends AppError {
  readonly kind = "precondition_failed";
  constructor(detail = "The resource has changed since you last read it (If-Match failed)") {
    super("precondition_failed", "Precondition failed", detail);
  }
}

export class PayloadTooLargeError extends AppError {
  readonly kind = "payload_too_large";
  constructor(limitBytes: number) {
    super(
      "payload_too_large",
      "Payload too large",
      `Request bodies are limited to ${limitBytes} bytes`,
    );
  }
}

export class UnsupportedMediaTypeError extends AppError {
  readonly kind = "unsupported_media_type";
  constructor(accepted: readonly string[]) {
    super(
      "unsupported_media_type",
      "Unsupported media type",
      `Send the body as ${accepted.join(" or ")}`,
    );
  }
}

export class ValidationError extends AppError {
  readonly kind = "validation";
  constructor(
    readonly errors: FieldError[],
    code = "validation_failed",
    detail = "The request is not valid; see errors for each field",
  ) {
    super(code, "Validation failed", detail);
  }

  static field(path: string, message: string, code: string): ValidationError {
    return new ValidationError([{ path, message, code }], code, message);
  }
}

export class RateLimitedError extends AppError {
  readonly kind = "rate_limited";
  constructor(readonly retryAfterSeconds: number) {
    super(
      "rate_limited",
      "Too many requests",
      `Too many requests; retry in ${retryAfterSeconds} s`,
    );
  }
}

export class ServiceUnavailableError extends AppError {
  readonly kind = "unavailable";
  constructor(code: string, detail: string) {
    super(code, "Service unavailable", detail);
  }
}
