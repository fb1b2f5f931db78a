import type { OutboxRecord } from "./mail.repository";
import type { MailEntryResponse } from "./mail.schemas";

/** Never the payload: see MailEntrySchema. */
export function toMailEntryResponse(row: OutboxRecord): MailEntryResponse {
  return {
    id: row.id,
    template: row.template,
    recipient: row.recipient,
    status: row.status,
    attempts: row.attempts,
    last_error: row.lastError,
    created_at: row.createdAt,
    enqueued_at: row.enqueuedAt,
    sent_at: row.sentAt,
  };
}
