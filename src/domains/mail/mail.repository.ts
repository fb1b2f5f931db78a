import { and, asc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { chunked, MAX_BOUND_PARAMETERS } from "../../db/limits";
import { asStatement, changedRows, type Statement } from "../../db/unit-of-work";
import { outbox } from "./mail.table";

export type OutboxRecord = typeof outbox.$inferSelect;
export type NewOutboxRecord = Pick<
  OutboxRecord,
  "id" | "template" | "recipient" | "payload" | "createdAt"
>;

/** What a delivered or abandoned row keeps of its payload: nothing (it may hold a token). */
export const SCRUBBED_PAYLOAD = "{}";

export interface OutboxRepository {
  insert(record: NewOutboxRecord): Statement;
  findById(id: string): Promise<OutboxRecord | null>;
  markEnqueued(ids: string[], at: string): Promise<void>;
  /** Pending → sent, once: false when another delivery got there first. */
  markSent(id: string, at: string): Promise<boolean>;
  /** Counts a failed attempt; `dead` gives the row up (its message goes to the DLQ). */
  recordFailure(id: string, error: string, dead: boolean): Promise<void>;
  /**
   * Pending rows nobody is handling: never enqueued and older than `createdBefore`, or
   * enqueued before `enqueuedBefore` (their queue retries are long over). Oldest first.
   */
  findStranded(
    createdBefore: string,
    enqueuedBefore: string,
    limit: number,
  ): Promise<OutboxRecord[]>;
}

export class D1OutboxRepository implements OutboxRepository {
  constructor(private readonly db: Database) {}

  insert(record: NewOutboxRecord): Statement {
    return asStatement(this.db.insert(outbox).values(record));
  }

  async findById(id: string): Promise<OutboxRecord | null> {
    const [row] = await this.db.select().from(outbox).where(eq(outbox.id, id)).limit(1);
    return row ?? null;
  }

  async markEnqueued(ids: string[], at: string): Promise<void> {
    // Each statement binds its ids plus two values; keep every one under D1's limit.
    const [first, ...rest] = chunked(ids, MAX_BOUND_PARAMETERS - 10).map((run) =>
      this.db
        .update(outbox)
        .set({ enqueuedAt: at })
        .where(and(inArray(outbox.id, run), eq(outbox.status, "pending"))),
    );
    if (first) await this.db.batch([first, ...rest]);
  }

  async markSent(id: string, at: string): Promise<boolean> {
    const result = await this.db
      .update(outbox)
      .set({
        status: "sent",
        sentAt: at,
        attempts: sql`${outbox.attempts} + 1`,
        payload: SCRUBBED_PAYLOAD,
        lastError: null,
      })
      .where(and(eq(outbox.id, id), eq(outbox.status, "pending")));
    return changedRows(result) === 1;
  }

  async recordFailure(id: string, error: string, dead: boolean): Promise<void> {
    await this.db
      .update(outbox)
      .set({
        attempts: sql`${outbox.attempts} + 1`,
        lastError: error.slice(0, 500),
        ...(dead ? { status: "dead" as const, payload: SCRUBBED_PAYLOAD } : {}),
      })
      .where(and(eq(outbox.id, id), eq(outbox.status, "pending")));
  }

  async findStranded(
    createdBefore: string,
    enqueuedBefore: string,
    limit: number,
  ): Promise<OutboxRecord[]> {
    return this.db
      .select()
      .from(outbox)
      .where(
        and(
          eq(outbox.status, "pending"),
          lt(outbox.createdAt, createdBefore),
          or(isNull(outbox.enqueuedAt), lt(outbox.enqueuedAt, enqueuedBefore)),
        ),
      )
      .orderBy(asc(outbox.createdAt))
      .limit(limit);
  }
}
