import { z } from "zod";
import { buildServices, type Scope, type Services } from "../container";
import { errorLogFields } from "../lib/error-log";
import { ContextLogger } from "../lib/logger";
import { continueTrace } from "../lib/trace-context";
import { annotate, inSpan, runtimeTracer, type Tracer } from "../lib/tracing";
import type { Bindings } from "../settings";

const MailJobSchema = z.object({
  outbox_id: z.string().min(1).max(64),
  // Checked by continueTrace: an invalid one starts a new trace, it never drops the message.
  traceparent: z.string().max(128).optional(),
});

/** When even reading the outbox failed (D1 unavailable): try the message again shortly. */
const INFRASTRUCTURE_RETRY_SECONDS = 30;

/**
 * Dead-letter queues are named after their queue with this suffix in every environment
 * (wrangler.toml): `edge-store-mail-dlq`, `edge-store-mail-staging-dlq`, ...
 */
export const DEAD_LETTER_SUFFIX = "-dlq";

/** Services for one message: its log lines and the mail it queues carry its trace. */
export type BuildServices = (env: Bindings, scope: Scope) => Services;

const scopedServices: BuildServices = (env, scope) => buildServices(env, {}, undefined, scope);

/**
 * The mail queue consumer: each message names an outbox row; the mail service delivers
 * it. Failures are retried with the backoff the service asks for; after the last retry the
 * queue moves the message to the dead-letter queue (wrangler.toml), whose consumer (the same
 * Worker) marks the row dead.
 *
 * Each message is handled in a span of its own (`mail.deliver` or `mail.dead_letter`) when
 * the invocation is traced, and continues the trace of the request that queued it: every
 * log line for it carries that trace id, a span id of its own, the queue and the message id.
 */
export function createQueueHandler(
  build: BuildServices = scopedServices,
  tracer: Tracer = runtimeTracer,
) {
  return async (batch: MessageBatch<unknown>, env: Bindings): Promise<void> => {
    const deadLetters = batch.queue.endsWith(DEAD_LETTER_SUFFIX);
    const spanName = deadLetters ? "mail.dead_letter" : "mail.deliver";
    for (const message of batch.messages) {
      const job = MailJobSchema.safeParse(message.body);
      const trace = continueTrace(job.success ? job.data.traceparent : undefined);
      const log = new ContextLogger({
        trace_id: trace.traceId,
        span_id: trace.spanId,
        queue: batch.queue,
        message_id: message.id,
      });
      await inSpan(tracer, spanName, async (span) => {
        annotate(span, {
          "messaging.destination.name": batch.queue,
          "messaging.message.id": message.id,
          "messaging.message.delivery_attempt": message.attempts,
          "w3c.trace_id": trace.traceId,
        });
        if (!job.success) {
          log.error("mail queue: malformed message dropped");
          annotate(span, { outcome: "dropped" });
          message.ack();
          return;
        }
        const outboxId = job.data.outbox_id;
        annotate(span, { "mail.outbox_id": outboxId });
        try {
          const services = build(env, { log, trace });
          if (deadLetters) {
            await services.deadLetters.bury(outboxId, message.attempts);
            annotate(span, { outcome: "buried" });
            message.ack();
            return;
          }
          const result = await services.mail.deliver(outboxId, message.attempts);
          annotate(span, { outcome: result.status });
          if (result.status === "failed") message.retry({ delaySeconds: result.retryInSeconds });
          else message.ack();
        } catch (error) {
          log.error("mail queue: delivery crashed", {
            outbox_id: outboxId,
            ...errorLogFields(error),
          });
          annotate(span, { outcome: "crashed" });
          message.retry({ delaySeconds: INFRASTRUCTURE_RETRY_SECONDS });
        }
      });
    }
  };
}

export const handleQueue = createQueueHandler();
