import { z } from "zod";
import { buildServices, type Services } from "../container";
import { errorLogFields } from "../lib/error-log";
import { jsonLogger } from "../lib/logger";
import type { Bindings } from "../settings";

const MailJobSchema = z.object({ outbox_id: z.string().min(1).max(64) });

/** When even reading the outbox failed (D1 unavailable): try the message again shortly. */
const INFRASTRUCTURE_RETRY_SECONDS = 30;

/**
 * Dead-letter queues are named after their queue with this suffix in every environment
 * (wrangler.toml): `edge-store-mail-dlq`, `edge-store-mail-staging-dlq`, ...
 */
export const DEAD_LETTER_SUFFIX = "-dlq";

/**
 * The mail queue consumer: each message names an outbox row; the mail service delivers
 * it. Failures are retried with the backoff the service asks for; after the last retry the
 * queue moves the message to the dead-letter queue (wrangler.toml), whose consumer (the same
 * Worker) marks the row dead.
 */
export function createQueueHandler(build: (env: Bindings) => Services = buildServices) {
  return async (batch: MessageBatch<unknown>, env: Bindings): Promise<void> => {
    const services = build(env);
    const deadLetters = batch.queue.endsWith(DEAD_LETTER_SUFFIX);
    for (const message of batch.messages) {
      const job = MailJobSchema.safeParse(message.body);
      if (!job.success) {
        jsonLogger.error("mail queue: malformed message dropped", { message_id: message.id });
        message.ack();
        continue;
      }
      try {
        if (deadLetters) {
          await services.deadLetters.bury(job.data.outbox_id, message.attempts);
          message.ack();
          continue;
        }
        const result = await services.mail.deliver(job.data.outbox_id, message.attempts);
        if (result.status === "failed") message.retry({ delaySeconds: result.retryInSeconds });
        else message.ack();
      } catch (error) {
        jsonLogger.error("mail queue: delivery crashed", {
          queue: batch.queue,
          outbox_id: job.data.outbox_id,
          ...errorLogFields(error),
        });
        message.retry({ delaySeconds: INFRASTRUCTURE_RETRY_SECONDS });
      }
    }
  };
}

export const handleQueue = createQueueHandler();
