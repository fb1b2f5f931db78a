import type { Statement } from "../../src/db/unit-of-work";
import {
  type GiveUp,
  type NewOutboxRecord,
  type OutboxRecord,
  type OutboxRepository,
  SCRUBBED_PAYLOAD,
} from "../../src/domains/mail/mail.repository";
import type { MailJob, MailQueue } from "../../src/domains/mail/mail.service";
import type { Mailer, MailMessage } from "../../src/domains/mail/mailers";
import type { PageRequest } from "../../src/lib/cursor";
import type { Logger } from "../../src/lib/logger";
import { TextSealer } from "../../src/lib/sealed-text";
import { labelledStatement } from "./unit-of-work";

export class FakeOutbox implements OutboxRepository {
  readonly rows = new Map<string, OutboxRecord>();

  add(record: Partial<OutboxRecord> & NewOutboxRecord): OutboxRecord {
    const row: OutboxRecord = {
      status: "pending",
      attempts: 0,
      lastError: null,
      enqueuedAt: null,
      sentAt: null,
      ...record,
    };
    this.rows.set(row.id, row);
    return row;
  }

  insert(record: NewOutboxRecord): Statement {
    return labelledStatement("mail_outbox.insert", () => {
      this.add(record);
      return 1;
    });
  }
  async findById(id: string) {
    const row = this.rows.get(id);
    return row ? { ...row } : null;
  }
  async markEnqueued(ids: string[], at: string) {
    for (const id of ids) {
      const row = this.rows.get(id);
      if (row?.status === "pending") row.enqueuedAt = at;
    }
  }
  async markSent(id: string, at: string) {
    const row = this.rows.get(id);
    if (row?.status !== "pending") return false;
    Object.assign(row, {
      status: "sent",
      sentAt: at,
      attempts: row.attempts + 1,
      payload: SCRUBBED_PAYLOAD,
    });
    return true;
  }
  async recordFailure(id: string, error: string, dead: GiveUp | false) {
    const row = this.rows.get(id);
    if (row?.status !== "pending") return;
    row.attempts += 1;
    row.lastError = error;
    if (dead) this.giveUp(row, dead);
  }
  async markDead(id: string, error: string, dead: GiveUp) {
    const row = this.rows.get(id);
    if (row?.status !== "pending") return false;
    row.lastError ??= error;
    this.giveUp(row, dead);
    return true;
  }
  async revive(id: string) {
    const row = this.rows.get(id);
    if (row?.status !== "dead") return false;
    Object.assign(row, { status: "pending", attempts: 0, enqueuedAt: null });
    return true;
  }
  async list(filter: { status?: OutboxRecord["status"] | undefined }, page: PageRequest) {
    const cursor = page.cursor;
    return [...this.rows.values()]
      .filter((row) => !filter.status || row.status === filter.status)
      .sort((a, b) =>
        a.createdAt === b.createdAt ? b.id.localeCompare(a.id) : a.createdAt < b.createdAt ? 1 : -1,
      )
      .filter(
        (row) =>
          !cursor ||
          row.createdAt < String(cursor.value) ||
          (row.createdAt === cursor.value && row.id <= cursor.id),
      )
      .slice(0, page.limit + 1);
  }
  private giveUp(row: OutboxRecord, dead: GiveUp) {
    row.status = "dead";
    if (dead.scrub) row.payload = SCRUBBED_PAYLOAD;
  }
  async findStranded(createdBefore: string, enqueuedBefore: string, limit: number) {
    return [...this.rows.values()]
      .filter(
        (row) =>
          row.status === "pending" &&
          row.createdAt < createdBefore &&
          (row.enqueuedAt === null || row.enqueuedAt < enqueuedBefore),
      )
      .sort((a, b) => (a.createdAt < b.createdAt ? -1 : 1))
      .slice(0, limit);
  }
}

export class FakeMailQueue implements MailQueue {
  readonly jobs: MailJob[] = [];
  async enqueue(jobs: MailJob[]) {
    this.jobs.push(...jobs);
  }
}

/** Keeps what it was asked to send; throws `failWith` instead when a test sets it. */
export class RecordingMailer implements Mailer {
  readonly sent: MailMessage[] = [];
  constructor(public failWith?: Error) {}
  async send(message: MailMessage) {
    if (this.failWith) throw this.failWith;
    this.sent.push(message);
  }
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** Seals outbox payloads as the app does, with a key of the unit tests' own. */
export const testSealer = new TextSealer({
  current: "dW5pdC1vdXRib3gta2V5LTAxMjM0NTY3ODktYWJjZGVmZ2hpamts",
});

/** A stored row's data as the consumer reads it: opened when it was sealed. */
export async function storedData(row: OutboxRecord | undefined): Promise<Record<string, unknown>> {
  if (!row) throw new Error("no such outbox row");
  const text = row.payload.startsWith("sealed.")
    ? await testSealer.open(row.payload, `mail_outbox:${row.id}:${row.template}`)
    : row.payload;
  return JSON.parse(text) as Record<string, unknown>;
}

/** A valid order-confirmation payload for tests that need one and do not care which. */
export const ORDER_CONFIRMATION_DATA = {
  order_id: "0190b5c2-7a1e-7cc3-9f4a-5d2b6c1e8a90",
  currency: "USD",
  subtotal_cents: 500,
  discount_cents: 0,
  total_cents: 500,
  items: [{ sku: "MUG", name: "Mug", quantity: 1, unit_price_cents: 500, line_total_cents: 500 }],
};
