import { z } from "@hono/zod-openapi";
import { newestFirstSort, PageQuerySchema, pageResponseSchema } from "../../http/page";
import { idInput } from "../../lib/ids";
import { OUTBOX_STATUSES } from "./mail.values";

const EXAMPLE_ID = "0190b5c2-7a1e-7cc3-9f4a-5d2b6c1e8a90";

export const OutboxStatusSchema = z.enum(OUTBOX_STATUSES).openapi({
  description: "pending (queued or retrying), sent, or dead (given up)",
  example: "dead",
});

const EXAMPLE_ENTRY = {
  id: EXAMPLE_ID,
  template: "order_confirmation",
  recipient: "ada@example.com",
  status: "dead" as const,
  attempts: 6,
  last_error: "Error: provider answered 503",
  created_at: "2026-11-21T10:00:00.000Z",
  enqueued_at: "2026-11-21T10:00:00.120Z",
  sent_at: null,
};

/**
 * An outbox row as an operator sees it. Never its payload: a reset email's data holds a
 * live token, and an order's its contents; the template and recipient say what it was.
 */
export const MailEntrySchema = z
  .object({
    id: z.uuid().openapi({ example: EXAMPLE_ID }),
    template: z.string().openapi({ example: "order_confirmation" }),
    recipient: z.string().openapi({ example: "ada@example.com" }),
    status: OutboxStatusSchema,
    attempts: z.number().int().openapi({ description: "Deliveries tried", example: 6 }),
    last_error: z.string().nullable().openapi({
      description: "Why the last delivery failed",
      example: "Error: provider answered 503",
    }),
    created_at: z.string().openapi({ example: "2026-11-21T10:00:00.000Z" }),
    enqueued_at: z.string().nullable().openapi({ example: "2026-11-21T10:00:00.120Z" }),
    sent_at: z.string().nullable().openapi({ example: null }),
  })
  .openapi("MailEntry", { example: EXAMPLE_ENTRY });

export type MailEntryResponse = z.infer<typeof MailEntrySchema>;

export const MailPageSchema = pageResponseSchema(MailEntrySchema, "MailPage").openapi({
  example: { items: [EXAMPLE_ENTRY], next_cursor: null },
});

export const ListMailQuerySchema = PageQuerySchema.extend({
  sort: newestFirstSort,
  status: OutboxStatusSchema.optional().openapi({
    param: { description: "Only rows in this status (e.g. `dead`)" },
  }),
});

export const MailIdParamsSchema = z.object({
  id: idInput().openapi({ param: { name: "id", in: "path" }, example: EXAMPLE_ID }),
});

export type MailPageResponse = z.infer<typeof MailPageSchema>;
