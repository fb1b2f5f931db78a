import { and, eq, lte } from "drizzle-orm";
import type { Database } from "../../db/client";
import { compile, compileInsert, tableRows } from "../../db/compiled";
import { isConstraintError } from "../../db/constraint-errors";
import type { RideAlong } from "../../db/request-d1";
import { asStatement, changedRows, type Statement } from "../../db/unit-of-work";
import { idempotencyKeys } from "./idempotency.table";

export type IdempotencyRecord = typeof idempotencyKeys.$inferSelect;

export interface IdempotencyRepository {
  find(userId: string, key: string): Promise<IdempotencyRecord | null>;
  /**
   * Reads the key's record in the request's next read round trip (the operation's own first
   * read) instead of one of its own; `accept` gets it (null: none) when that trip returns.
   */
  findWithNextRead(
    userId: string,
    key: string,
    accept: (record: IdempotencyRecord | null) => void,
  ): void;
  /**
   * Records `completed` for the caller's batch, first removing the key's record if it
   * expired by `now`. A live record (a concurrent request recorded the key first) makes the
   * insert hit the primary key and abort the whole batch; `isKeyTaken` recognises that.
   */
  record(completed: IdempotencyRecord, now: string): Statement[];
  isKeyTaken(error: unknown): boolean;
  /** Deletes every record expired by `now`; returns how many. */
  deleteExpired(now: string): Promise<number>;
}

const recordRow = tableRows(idempotencyKeys);

/** The key's record: compiled once per isolate (every keyed write reads it). */
const BY_KEY = compile<{ userId: string; key: string }>((db, p) =>
  db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.userId, p.userId), eq(idempotencyKeys.key, p.key)))
    .limit(1),
);

/** The key's record once it expired by `now`, so a new one can take the key. */
const DELETE_EXPIRED_KEY = compile<{ userId: string; key: string; now: string }>((db, p) =>
  db
    .delete(idempotencyKeys)
    .where(
      and(
        eq(idempotencyKeys.userId, p.userId),
        eq(idempotencyKeys.key, p.key),
        lte(idempotencyKeys.expiresAt, p.now),
      ),
    ),
);

const INSERT = compileInsert(idempotencyKeys);

export class D1IdempotencyRepository implements IdempotencyRepository {
  constructor(
    private readonly db: Database,
    private readonly trips: RideAlong,
  ) {}

  async find(userId: string, key: string): Promise<IdempotencyRecord | null> {
    const [row] = await BY_KEY.bind(this.db.$client, { userId, key }).raw();
    return row ? recordRow(row) : null;
  }

  findWithNextRead(
    userId: string,
    key: string,
    accept: (record: IdempotencyRecord | null) => void,
  ): void {
    this.trips.ride({
      ...BY_KEY.with({ userId, key }),
      // A riding read's row is an object in the SELECT's column order.
      accept: ([row]) => accept(row ? recordRow(Object.values(row)) : null),
    });
  }

  record(completed: IdempotencyRecord, now: string): Statement[] {
    const { userId, key } = completed;
    const d1 = this.db.$client;
    return [
      asStatement(DELETE_EXPIRED_KEY.bind(d1, { userId, key, now })),
      asStatement(INSERT.bind(d1, completed)),
    ];
  }

  isKeyTaken(error: unknown): boolean {
    return isConstraintError(error, "unique", "idempotency_keys.");
  }

  async deleteExpired(now: string): Promise<number> {
    const result = await this.db.delete(idempotencyKeys).where(lte(idempotencyKeys.expiresAt, now));
    return changedRows(result);
  }
}
