import { check, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { oneOf } from "../../db/checks";

export const IDEMPOTENCY_STATES = ["in_flight", "completed"] as const;

/**
 * Idempotency-Key records (IETF httpapi-idempotency-key draft): a request's response, stored
 * with the operation's own batch and replayed until it expires. `in_flight` is what earlier
 * versions wrote while a request ran (a claim first); the current code only reads it.
 */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    userId: text("user_id").notNull(),
    key: text("key").notNull(),
    /** SHA-256 of method, path and body: another body under the same key is refused. */
    fingerprint: text("fingerprint").notNull(),
    state: text("state", { enum: IDEMPOTENCY_STATES }).notNull(),
    responseStatus: integer("response_status"),
    responseBody: text("response_body"),
    /** Headers worth replaying, such as Location, as JSON. */
    responseHeaders: text("response_headers"),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.userId, t.key] }),
    index("idempotency_keys_expires_idx").on(t.expiresAt),
    check("idempotency_keys_state_check", oneOf(t.state, IDEMPOTENCY_STATES)),
  ],
);
