/**
 * The mail domain's value list, written once: the Drizzle column, its SQL CHECK, the Zod
 * enum of the admin API and the TypeScript type all come from it.
 * `pending` (queued or retrying), `sent`, `dead` (given up: re-send it with the admin API).
 */
export const OUTBOX_STATUSES = ["pending", "sent", "dead"] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];
