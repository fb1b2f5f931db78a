import { defineRoute, jsonContent, LIST_ERRORS, nextLinkHeader } from "../../http/openapi";
import { MailNotDeadError, MailNotFoundError, MailNotRetryableError } from "./mail.errors";
import { MAIL_PATHS } from "./mail.paths";
import {
  ListMailQuerySchema,
  MailEntrySchema,
  MailIdParamsSchema,
  MailPageSchema,
} from "./mail.schemas";

// Operator endpoints asked for by issue #10 (not in the API contract).

export const listMail = defineRoute({
  ...MAIL_PATHS.listMail,
  tags: ["Admin"],
  operationId: "listMail",
  summary: "List outbox emails (admin)",
  description:
    'The transactional outbox, newest first, cursor-paginated; `status=dead` lists the emails the queue gave up on (with `last_error`). Payloads are never shown (a reset email holds a live token). A `Link: rel="next"` header points at the next page.',
  auth: "admin",
  request: { query: ListMailQuerySchema },
  responses: {
    200: {
      description: "A page of outbox rows",
      headers: nextLinkHeader(MAIL_PATHS.listMail.path),
      content: jsonContent(MailPageSchema),
    },
  },
  errors: LIST_ERRORS,
});

export const retryMail = defineRoute({
  ...MAIL_PATHS.retryMail,
  tags: ["Admin"],
  operationId: "retryMail",
  summary: "Re-send a dead email (admin)",
  description:
    "Makes a dead outbox row pending again with a fresh delivery count and queues it (202). Only a dead row can be re-sent (409 `mail_not_dead`); a dead password reset is re-sent as stored (its token sealed, never shown); one queued before tokens were sealed lost its token when it died (409 `mail_not_retryable`: the user asks for a new one).",
  auth: "admin",
  request: { params: MailIdParamsSchema },
  responses: {
    202: { description: "Queued again", content: jsonContent(MailEntrySchema) },
  },
  errors: [MailNotFoundError, MailNotDeadError, MailNotRetryableError],
});
