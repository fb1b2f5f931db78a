import { check, index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { oneOf } from "../../db/checks";
import { OUTBOX_STATUSES } from "./mail.values";

/**
 * Transactional outbox: an email is written in the same D1 batch as the change that causes
 * it, then dispatched to the mail queue after the response.
 */
export const outbox = sqliteTable(
  "mail_outbox",
  {
    id: text("id").primaryKey(),
    template: text("template").notNull(),
    recipient: text("recipient").notNull(),
    /**
     * JSON with the template's data, sealed (AES-GCM, `sealed.v1.…`) when it holds a secret;
     * scrubbed to `{}` once sent. Never a password.
     */
    payload: text("payload").notNull(),
    status: text("status", { enum: OUTBOX_STATUSES }).notNull().default("pending"),
    attempts: integer("attempts").notNull().default(0),
    lastError: text("last_error"),
    createdAt: text("created_at").notNull(),
    enqueuedAt: text("enqueued_at"),
    sentAt: text("sent_at"),
  },
  (t) => [
    index("mail_outbox_status_created_idx").on(t.status, t.createdAt),
    check("mail_outbox_status_check", oneOf(t.status, OUTBOX_STATUSES)),
  ],
);
