import { ConflictError, FieldValidationError } from "../../lib/errors";

export class IdempotencyKeyMismatchError extends FieldValidationError {
  static override readonly code = "idempotency_key_mismatch";
  constructor() {
    super(
      "Idempotency-Key",
      "This Idempotency-Key was used with another request body; use a new key for a new request",
    );
  }
}

export class IdempotencyKeyInFlightError extends ConflictError {
  static override readonly code = "idempotency_key_in_flight";
  static override readonly title = "Request in progress";
  static override readonly detail =
    "A request with this Idempotency-Key is still being processed; retry shortly to get its response";
}
