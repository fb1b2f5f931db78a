import type { Statement } from "../../db/unit-of-work";
import { addSeconds, type Clock } from "../../lib/clock";
import { newId } from "../../lib/ids";
import type { Logger } from "../../lib/logger";
import { isSealed, type TextSealer } from "../../lib/sealed-text";
import { formatTraceparent, type TraceContext } from "../../lib/trace-context";
import type { OutboxRepository } from "./mail.repository";
import {
  holdsPlainSecret,
  holdsSecret,
  renderStored,
  type TemplateData,
  type TemplateName,
} from "./mail.templates";
import type { Mailer } from "./mailers";

/** Seals the payloads that hold a secret before they reach D1, and opens them to deliver. */
export type PayloadSealer = Pick<TextSealer, "seal" | "open">;

/**
 * What a sealed payload is bound to (authenticated with it): its own row. A payload copied
 * into another row, or under another template, does not open.
 */
function sealContext(row: { id: string; template: string }): string {
  return `mail_outbox:${row.id}:${row.template}`;
}

/**
 * The body of a mail queue message: the outbox row to deliver, and the traceparent of the
 * request that queued it (absent when the cron re-queues a row), so the consumer's log
 * lines carry that request's trace id.
 */
export type MailJob = { outbox_id: string; traceparent?: string };

export interface MailQueue {
  enqueue(jobs: MailJob[]): Promise<void>;
}

/** Queues sendBatch takes at most 100 messages. */
const QUEUE_BATCH_LIMIT = 100;

export function bindingMailQueue(queue: Queue<MailJob>, trace?: TraceContext): MailQueue {
  const traceparent = trace ? formatTraceparent(trace) : undefined;
  return {
    async enqueue(jobs) {
      for (let start = 0; start < jobs.length; start += QUEUE_BATCH_LIMIT) {
        await queue.sendBatch(
          jobs
            .slice(start, start + QUEUE_BATCH_LIMIT)
            .map((job) => ({ body: traceparent ? { ...job, traceparent } : job })),
        );
      }
    },
  };
}

/**
 * One first delivery plus wrangler.toml's `max_retries = 5`: the attempt after which the
 * queue moves the message to the dead-letter queue, so the row is marked dead with it.
 */
export const MAX_DELIVERIES = 6;

/** Exponential backoff between deliveries: 30 s, 1 min, 2 min, 4 min, 8 min (~16 min in all). */
export function retryDelaySeconds(attempt: number): number {
  return Math.min(30 * 2 ** Math.max(0, attempt - 1), 3600);
}

/** Rows never enqueued this long after their commit lost their dispatch (the isolate died). */
const UNDISPATCHED_AFTER_SECONDS = 60;
/** Well past the whole retry schedule: a row still pending by then was lost by the queue. */
const STRANDED_AFTER_SECONDS = 30 * 60;
const REQUEUE_BATCH = 100;

export type DeliveryResult =
  | { status: "sent" }
  | { status: "skipped"; reason: "missing" | "already_handled" }
  | { status: "rejected" }
  | { status: "failed"; dead: boolean; retryInSeconds: number };

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : "unknown error";
}

/**
 * Transactional outbox. `compose` gives the insert to commit in the same batch as the change
 * that causes the email; `dispatch` hands committed rows to the mail queue after the
 * response; the queue consumer calls `deliver`; the cron calls `requeueStranded`.
 *
 * A template that holds a secret (a reset token) has its payload sealed here, in `compose`,
 * so its plaintext never reaches D1, and opened only in `deliver`, the queue consumer's
 * step: no caller seals anything itself.
 */
export class MailService {
  constructor(
    private readonly outbox: OutboxRepository,
    private readonly queue: MailQueue,
    private readonly mailer: Mailer,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly sealer: PayloadSealer,
  ) {}

  async compose<T extends TemplateName>(
    template: T,
    to: string,
    data: TemplateData<T>,
  ): Promise<{ id: string; statement: Statement }> {
    const id = newId();
    const json = JSON.stringify(data);
    const payload = holdsSecret(template)
      ? await this.sealer.seal(json, sealContext({ id, template }))
      : json;
    const statement = this.outbox.insert({
      id,
      template,
      recipient: to,
      payload,
      createdAt: this.clock.now().toISOString(),
    });
    return { id, statement };
  }

  async dispatch(outboxIds: string[]): Promise<void> {
    if (outboxIds.length === 0) return;
    await this.queue.enqueue(outboxIds.map((id) => ({ outbox_id: id })));
    await this.outbox.markEnqueued(outboxIds, this.clock.now().toISOString());
  }

  /**
   * Delivers one row. Idempotent: a row already sent (a duplicate message) is skipped, and
   * the provider gets the row id as idempotency key. `attempt` is the queue's count.
   */
  async deliver(outboxId: string, attempt: number): Promise<DeliveryResult> {
    const row = await this.outbox.findById(outboxId);
    if (!row) return { status: "skipped", reason: "missing" };
    if (row.status !== "pending") return { status: "skipped", reason: "already_handled" };

    let rendered: ReturnType<typeof renderStored>;
    try {
      const payload = isSealed(row.payload)
        ? await this.sealer.open(row.payload, sealContext(row))
        : row.payload;
      rendered = renderStored(row.template, payload);
    } catch (error) {
      // Retrying cannot fix a row that does not render (or open): give it up at once. A
      // sealed one is kept, so once its key is configured again an operator can re-send it.
      await this.outbox.recordFailure(row.id, describe(error), {
        scrub: holdsPlainSecret(row.template, row.payload),
      });
      this.logger.error("mail rejected", { outbox_id: row.id, template: row.template });
      return { status: "rejected" };
    }

    try {
      await this.mailer.send({ to: row.recipient, ...rendered, idempotencyKey: row.id });
    } catch (error) {
      // Rows re-enqueued by the cron restart the queue's count; the row's own count does not.
      const deliveries = Math.max(attempt, row.attempts + 1);
      const dead = deliveries >= MAX_DELIVERIES;
      await this.outbox.recordFailure(
        row.id,
        describe(error),
        dead && { scrub: holdsPlainSecret(row.template, row.payload) },
      );
      this.logger[dead ? "error" : "warn"](dead ? "mail undeliverable" : "mail delivery failed", {
        outbox_id: row.id,
        template: row.template,
        attempt: deliveries,
        error: describe(error),
      });
      return { status: "failed", dead, retryInSeconds: retryDelaySeconds(deliveries) };
    }

    const first = await this.outbox.markSent(row.id, this.clock.now().toISOString());
    this.logger.info("mail sent", { outbox_id: row.id, template: row.template, first });
    return { status: "sent" };
  }

  /** Re-enqueues pending rows whose dispatch or queue message was lost. Returns how many. */
  async requeueStranded(): Promise<number> {
    const now = this.clock.now();
    const rows = await this.outbox.findStranded(
      addSeconds(now, -UNDISPATCHED_AFTER_SECONDS).toISOString(),
      addSeconds(now, -STRANDED_AFTER_SECONDS).toISOString(),
      REQUEUE_BATCH,
    );
    await this.dispatch(rows.map((row) => row.id));
    return rows.length;
  }
}
