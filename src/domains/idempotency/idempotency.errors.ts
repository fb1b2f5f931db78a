import { ConflictError, ValidationError } from "../../lib/errors";

export class IdempotencyKeyMismatchError extends ValidationError {
  constructor() {
    const message =
      "This Idempotency-Key was used with another request body; use a new key for a new request";
    super(
      [{ path: "Idempotency-Key", message, code: "idempotency_key_mismatch" }],
      "idempotency_key_mismatch",
      message,
    );
  }
}

export class IdempotencyKeyInFlightError extends ConflictError {
  constructor() {
    super(
      "idempotency_key_in_flight",
      "Request in progress",
      "A request with this Idempotency-Key is still being processed; retry shortly to get its response",
    );
  }
}
