import { newestFirstPage, type Page } from "../../lib/cursor";
import type { Logger } from "../../lib/logger";
import { MailNotDeadError, MailNotFoundError, MailNotRetryableError } from "./mail.errors";
import type { OutboxRecord, OutboxRepository } from "./mail.repository";
import { holdsPlainSecret } from "./mail.templates";
import type { OutboxStatus } from "./mail.values";

export type BuryResult = "buried" | "missing" | "already_handled";

/**
 * Mail the queue gave up on. The dead-letter queue's consumer buries each message's row
 * (dead, with its last error); operators list rows by status and re-send a dead one.
 */
export class DeadLettersService {
  constructor(
    private readonly outbox: OutboxRepository,
    private readonly logger: Logger,
  ) {}

  /**
   * Marks a dead-lettered row dead. The main consumer already does so on its last attempt;
   * this catches the rest (a consumer that crashed on every delivery, retries counted apart
   * from the row's). A row already dead or sent is left as it is.
   */
  async bury(outboxId: string, deliveries: number): Promise<BuryResult> {
    const row = await this.outbox.findById(outboxId);
    if (!row) return "missing";
    if (row.status !== "pending") return "already_handled";
    const buried = await this.outbox.markDead(
      row.id,
      `dead-lettered after ${deliveries} queue deliveries without a recorded error`,
      { scrub: holdsPlainSecret(row.template, row.payload) },
    );
    if (!buried) return "already_handled";
    this.logger.error("mail dead-lettered", { outbox_id: row.id, template: row.template });
    return "buried";
  }

  list(
    filter: { status?: OutboxStatus | undefined },
    page: { limit: number; cursor?: string | undefined },
  ): Promise<Page<OutboxRecord>> {
    return newestFirstPage(page, (request) => this.outbox.list(filter, request));
  }

  /**
   * Makes a dead row pending again with a fresh count; the caller dispatches it once it has
   * answered. A sealed payload is re-sent as it is stored (the consumer opens it); a secret
   * stored in plaintext (rows queued before sealing) was scrubbed when it died: nothing to send.
   */
  async retry(id: string): Promise<OutboxRecord> {
    const row = await this.outbox.findById(id);
    if (!row) throw new MailNotFoundError();
    if (row.status !== "dead") throw new MailNotDeadError(row.status);
    if (holdsPlainSecret(row.template, row.payload)) throw new MailNotRetryableError(row.template);
    if (!(await this.outbox.revive(row.id))) throw new MailNotDeadError("pending");
    this.logger.info("mail re-sent", { outbox_id: row.id, template: row.template });
    return { ...row, status: "pending", attempts: 0, enqueuedAt: null };
  }
}
