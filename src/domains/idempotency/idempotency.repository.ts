import { and, eq, lte } from "drizzle-orm";
import type { Database } from "../../db/client";
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

/** A raw D1 row of the table (column names, SQLite values) as the record Drizzle would map. */
function fromRow(row: Record<string, unknown>): IdempotencyRecord {
  const text = (value: unknown) => (value === null ? null : String(value));
  return {
    userId: String(row.user_id),
    key: String(row.key),
    fingerprint: String(row.fingerprint),
    state: row.state as IdempotencyRecord["state"],
    responseStatus: row.response_status === null ? null : Number(row.response_status),
    responseBody: text(row.response_body),
    responseHeaders: text(row.response_headers),
    createdAt: String(row.created_at),
    expiresAt: String(row.expires_at),
  };
}

export class D1IdempotencyRepository implements IdempotencyRepository {
  constructor(
    private readonly db: Database,
    private readonly trips: RideAlong,
  ) {}

  private byKey(userId: string, key: string) {
    return and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key));
  }

  private query(userId: string, key: string) {
    return this.db.select().from(idempotencyKeys).where(this.byKey(userId, key)).limit(1);
  }

  async find(userId: string, key: string): Promise<IdempotencyRecord | null> {
    const [row] = await this.query(userId, key);
    return row ?? null;
  }

  findWithNextRead(
    userId: string,
    key: string,
    accept: (record: IdempotencyRecord | null) => void,
  ): void {
    this.trips.ride({
      ...this.query(userId, key).toSQL(),
      accept: ([row]) => accept(row ? fromRow(row) : null),
    });
  }

  record(completed: IdempotencyRecord, now: string): Statement[] {
    const { userId, key } = completed;
    return [
      asStatement(
        this.db
          .delete(idempotencyKeys)
          .where(and(this.byKey(userId, key), lte(idempotencyKeys.expiresAt, now))),
      ),
      asStatement(this.db.insert(idempotencyKeys).values(completed)),
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
