import { ConflictError, NotFoundError } from "../../lib/errors";

export class MailNotFoundError extends NotFoundError {
  static override readonly code = "mail_not_found";
  static override readonly detail = "No outbox row with this id";
}

export class MailNotDeadError extends ConflictError {
  static override readonly code = "mail_not_dead";
  constructor(status: string) {
    super(`Only a dead email can be re-sent; this one is ${status}`);
  }
}

/**
 * A dead email whose secret was stored in plaintext (queued before payloads were sealed) was
 * scrubbed when it died: nothing to re-send.
 */
export class MailNotRetryableError extends ConflictError {
  static override readonly code = "mail_not_retryable";
  constructor(template: string) {
    super(`A dead ${template} email lost its data (it held a secret); the user asks for a new one`);
  }
}
