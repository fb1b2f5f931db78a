import { and, asc, desc, eq, inArray, isNull, lt, or, type SQL, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { CompiledShapes, compileInsert, listPlaceholders, listValues } from "../../db/compiled";
import { seekFrom } from "../../db/keyset";
import { chunked, MAX_BOUND_PARAMETERS } from "../../db/limits";
import { asStatement, changedRows, type Statement } from "../../db/unit-of-work";
import type { PageRequest } from "../../lib/cursor";
import { outbox } from "./mail.table";
import type { OutboxStatus } from "./mail.values";

export type OutboxRecord = typeof outbox.$inferSelect;
export type NewOutboxRecord = Pick<
  OutboxRecord,
  "id" | "template" | "recipient" | "payload" | "createdAt"
>;

/** What a delivered row keeps of its payload: nothing (it may hold a token). */
export const SCRUBBED_PAYLOAD = "{}";

/** A row given up: `scrub` drops a payload that holds a secret (it can then never be re-sent). */
export type GiveUp = { scrub: boolean };

export interface OutboxRepository {
  insert(record: NewOutboxRecord): Statement;
  findById(id: string): Promise<OutboxRecord | null>;
  markEnqueued(ids: string[], at: string): Promise<void>;
  /** Pending → sent, once: false when another delivery got there first. */
  markSent(id: string, at: string): Promise<boolean>;
  /** Counts a failed attempt; `dead` gives the row up (its message goes to the DLQ). */
  recordFailure(id: string, error: string, dead: GiveUp | false): Promise<void>;
  /** Pending → dead (the queue dead-lettered it), keeping its last error or else `error`. */
  markDead(id: string, error: string, dead: GiveUp): Promise<boolean>;
  /** Dead → pending with a fresh count, for a re-send: false when it is not dead. */
  revive(id: string): Promise<boolean>;
  /** Newest first, `limit + 1` rows from the cursor on. */
  list(filter: { status?: OutboxStatus | undefined }, page: PageRequest): Promise<OutboxRecord[]>;
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

const MAX_ERROR_LENGTH = 500;

function giveUp(dead: GiveUp) {
  return { status: "dead" as const, ...(dead.scrub ? { payload: SCRUBBED_PAYLOAD } : {}) };
}

/** Every email's row, written in the batch of the change that causes it. */
const INSERT = compileInsert(outbox, ["id", "template", "recipient", "payload", "createdAt"]);

const MARK_ENQUEUED_IDS = MAX_BOUND_PARAMETERS - 10;

/** After each response that queued mail (usually one id): per number of ids in a statement. */
const MARK_ENQUEUED = new CompiledShapes<number, Record<string, string>>(String, (count, db, p) =>
  db
    .update(outbox)
    // `set` takes a placeholder only inside SQL.
    .set({ enqueuedAt: sql`${p.at}` })
    .where(and(inArray(outbox.id, listPlaceholders(p, "id", count)), eq(outbox.status, "pending"))),
);

export class D1OutboxRepository implements OutboxRepository {
  constructor(private readonly db: Database) {}

  insert(record: NewOutboxRecord): Statement {
    return asStatement(INSERT.bind(this.db.$client, record));
  }

  async findById(id: string): Promise<OutboxRecord | null> {
    const [row] = await this.db.select().from(outbox).where(eq(outbox.id, id)).limit(1);
    return row ?? null;
  }

  async markEnqueued(ids: string[], at: string): Promise<void> {
    // Each statement binds its ids plus two values; keep every one under D1's limit.
    const statements = chunked(ids, MARK_ENQUEUED_IDS).map((run) =>
      MARK_ENQUEUED.get(run.length).bind(this.db.$client, {
        at,
        ...listValues("id", run),
      }),
    );
    if (statements.length > 0) await this.db.$client.batch(statements);
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

  async recordFailure(id: string, error: string, dead: GiveUp | false): Promise<void> {
    await this.db
      .update(outbox)
      .set({
        attempts: sql`${outbox.attempts} + 1`,
        lastError: error.slice(0, MAX_ERROR_LENGTH),
        ...(dead ? giveUp(dead) : {}),
      })
      .where(and(eq(outbox.id, id), eq(outbox.status, "pending")));
  }

  async markDead(id: string, error: string, dead: GiveUp): Promise<boolean> {
    const result = await this.db
      .update(outbox)
      .set({
        lastError: sql`coalesce(${outbox.lastError}, ${error.slice(0, MAX_ERROR_LENGTH)})`,
        ...giveUp(dead),
      })
      .where(and(eq(outbox.id, id), eq(outbox.status, "pending")));
    return changedRows(result) === 1;
  }

  async revive(id: string): Promise<boolean> {
    const result = await this.db
      .update(outbox)
      .set({ status: "pending", attempts: 0, enqueuedAt: null })
      .where(and(eq(outbox.id, id), eq(outbox.status, "dead")));
    return changedRows(result) === 1;
  }

  async list(
    filter: { status?: OutboxStatus | undefined },
    page: PageRequest,
  ): Promise<OutboxRecord[]> {
    const conditions: (SQL | undefined)[] = [];
    if (filter.status) conditions.push(eq(outbox.status, filter.status));
    if (page.cursor) conditions.push(seekFrom(outbox.createdAt, outbox.id, "desc", page.cursor));
    return this.db
      .select()
      .from(outbox)
      .where(and(...conditions))
      .orderBy(desc(outbox.createdAt), desc(outbox.id))
      .limit(page.limit + 1);
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
