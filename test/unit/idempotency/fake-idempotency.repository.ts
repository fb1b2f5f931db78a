import type {
  IdempotencyRecord,
  IdempotencyRepository,
} from "../../../src/domains/idempotency/idempotency.repository";
import { changed, fakeStatement, mapSnapshot, type Transactional } from "../../fakes/unit-of-work";

/** What the primary key does to a batch inserting a held key: aborts it. */
export class FakeKeyConflict extends Error {}

const id = (userId: string, key: string) => `${userId}\u0000${key}`;

export class FakeIdempotencyRepository implements IdempotencyRepository, Transactional {
  readonly rows = new Map<string, IdempotencyRecord>();
  /** Lookups waiting for the operation's first read (see `operationRead`). */
  private waiting: (() => void)[] = [];

  async find(userId: string, key: string) {
    return this.rows.get(id(userId, key)) ?? null;
  }

  findWithNextRead(userId: string, key: string, accept: (row: IdempotencyRecord | null) => void) {
    this.waiting.push(() => {
      const row = this.rows.get(id(userId, key));
      accept(row ? { ...row } : null);
    });
  }

  /** The operation's first read: the waiting lookups read the rows as they are now. */
  operationRead() {
    const waiting = this.waiting;
    this.waiting = [];
    for (const read of waiting) read();
  }

  record(completed: IdempotencyRecord, now: string) {
    const rowId = id(completed.userId, completed.key);
    return [
      fakeStatement(() => {
        const existing = this.rows.get(rowId);
        if (!existing || existing.expiresAt > now) return changed(0);
        this.rows.delete(rowId);
        return changed(1);
      }, "idempotency.deleteExpired"),
      fakeStatement(() => {
        if (this.rows.has(rowId)) throw new FakeKeyConflict(rowId);
        this.rows.set(rowId, { ...completed });
        return changed(1);
      }, "idempotency.insert"),
    ];
  }

  isKeyTaken(error: unknown): boolean {
    return error instanceof FakeKeyConflict;
  }

  async deleteExpired(now: string) {
    let deleted = 0;
    for (const [rowId, row] of this.rows) {
      if (row.expiresAt <= now) {
        this.rows.delete(rowId);
        deleted += 1;
      }
    }
    return deleted;
  }

  snapshot() {
    return mapSnapshot(this.rows);
  }
}
