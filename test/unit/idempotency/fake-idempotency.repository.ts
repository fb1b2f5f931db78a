import type {
  ClaimRef,
  IdempotencyRecord,
  IdempotencyRepository,
} from "../../../src/domains/idempotency/idempotency.repository";
import { changed, fakeStatement, mapSnapshot, type Transactional } from "../fake-unit-of-work";

/** What the primary key does to a batch inserting a held key: aborts it. */
export class FakeKeyConflict extends Error {}

const id = (userId: string, key: string) => `${userId}\u0000${key}`;

export class FakeIdempotencyRepository implements IdempotencyRepository, Transactional {
  readonly rows = new Map<string, IdempotencyRecord>();
  /** Runs between `find` and `claim`, to simulate a concurrent request taking the key. */
  beforeClaim: (() => void) | undefined;

  async find(userId: string, key: string) {
    return this.rows.get(id(userId, key)) ?? null;
  }

  private insert(record: IdempotencyRecord) {
    const rowId = id(record.userId, record.key);
    if (this.rows.has(rowId)) throw new FakeKeyConflict(rowId);
    this.rows.set(rowId, { ...record });
  }

  async claim(record: IdempotencyRecord, now: string) {
    this.beforeClaim?.();
    this.beforeClaim = undefined;
    const existing = this.rows.get(id(record.userId, record.key));
    if (existing && existing.expiresAt <= now) this.rows.delete(id(record.userId, record.key));
    try {
      this.insert(record);
      return true;
    } catch (error) {
      if (this.isLostClaim(error)) return false;
      throw error;
    }
  }

  private isClaim(row: IdempotencyRecord | undefined, ref: ClaimRef): boolean {
    return row?.state === "in_flight" && row.createdAt === ref.createdAt;
  }

  complete(ref: ClaimRef, completed: IdempotencyRecord) {
    return [
      fakeStatement(() => {
        const rowId = id(ref.userId, ref.key);
        if (!this.isClaim(this.rows.get(rowId), ref)) return changed(0);
        this.rows.delete(rowId);
        return changed(1);
      }),
      fakeStatement(() => {
        this.insert(completed);
        return changed(1);
      }),
    ];
  }

  isLostClaim(error: unknown): boolean {
    return error instanceof FakeKeyConflict;
  }

  async release(ref: ClaimRef) {
    const rowId = id(ref.userId, ref.key);
    if (this.isClaim(this.rows.get(rowId), ref)) this.rows.delete(rowId);
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
