import { and, eq, lte } from "drizzle-orm";
import type { Database } from "../../db/client";
import { isConstraintError } from "../../db/constraint-errors";
import { asStatement, changedRows, type Statement } from "../../db/unit-of-work";
import { idempotencyKeys } from "./idempotency.table";

export type IdempotencyRecord = typeof idempotencyKeys.$inferSelect;
/** Identifies one claim of a key: a later claim of the same key has another `createdAt`. */
export type ClaimRef = { userId: string; key: string; createdAt: string };

export interface IdempotencyRepository {
  find(userId: string, key: string): Promise<IdempotencyRecord | null>;
  /**
   * Inserts an in-flight record, first removing one that expired by `now`. False when the
   * key is held (a concurrent claim won the primary key).
   */
  claim(record: IdempotencyRecord, now: string): Promise<boolean>;
  /**
   * Replaces the in-flight claim `ref` with `completed`, for the caller's batch. When the
   * claim is no longer there (it expired and another request claimed the key), the insert
   * hits the primary key and aborts the whole batch; `isLostClaim` recognises that failure.
   */
  complete(ref: ClaimRef, completed: IdempotencyRecord): Statement[];
  isLostClaim(error: unknown): boolean;
  /** Deletes the claim `ref` if it is still in flight. */
  release(ref: ClaimRef): Promise<void>;
  /** Deletes every record expired by `now`; returns how many. */
  deleteExpired(now: string): Promise<number>;
}

export class D1IdempotencyRepository implements IdempotencyRepository {
  constructor(private readonly db: Database) {}

  private byKey(userId: string, key: string) {
    return and(eq(idempotencyKeys.userId, userId), eq(idempotencyKeys.key, key));
  }

  private inFlightClaim(ref: ClaimRef) {
    return and(
      this.byKey(ref.userId, ref.key),
      eq(idempotencyKeys.createdAt, ref.createdAt),
      eq(idempotencyKeys.state, "in_flight"),
    );
  }

  async find(userId: string, key: string): Promise<IdempotencyRecord | null> {
    const [row] = await this.db
      .select()
      .from(idempotencyKeys)
      .where(this.byKey(userId, key))
      .limit(1);
    return row ?? null;
  }

  async claim(record: IdempotencyRecord, now: string): Promise<boolean> {
    try {
      await this.db.batch([
        this.db
          .delete(idempotencyKeys)
          .where(and(this.byKey(record.userId, record.key), lte(idempotencyKeys.expiresAt, now))),
        this.db.insert(idempotencyKeys).values(record),
      ]);
      return true;
    } catch (error) {
      if (this.isLostClaim(error)) return false;
      throw error;
    }
  }

  complete(ref: ClaimRef, completed: IdempotencyRecord): Statement[] {
    return [
      asStatement(this.db.delete(idempotencyKeys).where(this.inFlightClaim(ref))),
      asStatement(this.db.insert(idempotencyKeys).values(completed)),
    ];
  }

  isLostClaim(error: unknown): boolean {
    return isConstraintError(error, "unique", "idempotency_keys.");
  }

  async release(ref: ClaimRef): Promise<void> {
    await this.db.delete(idempotencyKeys).where(this.inFlightClaim(ref));
  }

  async deleteExpired(now: string): Promise<number> {
    const result = await this.db.delete(idempotencyKeys).where(lte(idempotencyKeys.expiresAt, now));
    return changedRows(result);
  }
}
