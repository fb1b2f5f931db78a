/**
 * In-memory stand-ins for the accounts repositories and collaborators. Their statements are
 * labelled, so tests can assert what the shared FakeUnitOfWork committed together.
 */
import type { Statement } from "../../../src/db/unit-of-work";
import type {
  RefreshTokenRecord,
  RefreshTokensRepository,
  ResetTokenRecord,
  ResetTokensRepository,
} from "../../../src/domains/auth/auth.repository";
import type { PasswordHasher, Verification } from "../../../src/domains/auth/passwords";
import type {
  UserChanges,
  UserFilter,
  UsersRepository,
} from "../../../src/domains/users/users.repository";
import type { UserRow } from "../../../src/domains/users/users.table";
import type { Clock } from "../../../src/lib/clock";
import type { PageRequest } from "../../../src/lib/cursor";
import { RateLimitedError } from "../../../src/lib/errors";
import type { RateLimiter } from "../../../src/lib/rate-limit";
import {
  changed,
  FakeUnitOfWork,
  fakeStatement,
  mapSnapshot,
  type Transactional,
} from "../fake-unit-of-work";

/** A statement whose step returns the number of rows it changed, as D1 reports it. */
export function labelledStatement(label: string, run: () => number): Statement {
  return fakeStatement(() => changed(run()), label);
}

export { FakeUnitOfWork };

export class FakeClock implements Clock {
  constructor(private current = new Date("2026-11-21T10:00:00.000Z")) {}
  now(): Date {
    return new Date(this.current);
  }
  advanceSeconds(seconds: number): void {
    this.current = new Date(this.current.getTime() + seconds * 1000);
  }
}

/** A fast, transparent hasher: "hash:<password>", optionally flagged for rehash. */
export class FakeHasher implements PasswordHasher {
  dummyCalls = 0;
  hashCalls = 0;
  staleHashes = new Set<string>();

  async hash(password: string): Promise<string> {
    this.hashCalls += 1;
    return `hash:${password}`;
  }
  async verify(password: string, stored: string): Promise<Verification> {
    if (stored !== `hash:${password}`) return { valid: false };
    return { valid: true, needsRehash: this.staleHashes.has(stored) };
  }
  async verifyDummy(): Promise<false> {
    this.dummyCalls += 1;
    return false;
  }
}

export class FakeLimiter implements RateLimiter {
  readonly keys: string[] = [];
  constructor(private readonly limit = Number.POSITIVE_INFINITY) {}
  async consume(key: string): Promise<void> {
    this.keys.push(key);
    if (this.keys.filter((seen) => seen === key).length > this.limit) {
      throw new RateLimitedError(60);
    }
  }
}

/** What the users' CHECK and foreign keys do to a batch (D1 aborts it). */
export class FakeLastAdminRefusal extends Error {}
export class FakeReferencedUser extends Error {}

export class FakeUsersRepository implements UsersRepository, Transactional {
  readonly rows = new Map<string, UserRow>();
  /** Ids that orders reference (ON DELETE RESTRICT). */
  readonly referenced = new Set<string>();

  add(row: Partial<UserRow> & { id: string; email: string }): UserRow {
    const full: UserRow = {
      name: "Test",
      passwordHash: "hash:password",
      role: "customer",
      tier: "standard",
      isActive: true,
      createdAt: "2026-11-01T00:00:00.000Z",
      updatedAt: "2026-11-01T00:00:00.000Z",
      ...row,
    };
    this.rows.set(full.id, full);
    return full;
  }

  async findById(id: string) {
    return this.rows.get(id) ?? null;
  }
  findInBatch(id: string) {
    return {
      statement: fakeStatement(() => this.rows.get(id) ?? null, "users.find"),
      read: (result: unknown) => result as UserRow | null,
    };
  }
  async findByEmail(email: string) {
    return [...this.rows.values()].find((row) => row.email === email) ?? null;
  }
  async insert(row: UserRow) {
    if (await this.findByEmail(row.email)) return "email_taken" as const;
    this.rows.set(row.id, row);
    return "created" as const;
  }
  update(id: string, changes: UserChanges): Statement {
    return labelledStatement(`users.update:${Object.keys(changes).sort().join(",")}`, () => {
      const row = this.rows.get(id);
      if (!row) return 0;
      this.rows.set(id, { ...row, ...changes });
      return 1;
    });
  }
  async delete(id: string) {
    if (!this.rows.has(id)) return "not_found" as const;
    if (this.referenced.has(id)) return "referenced" as const;
    this.rows.delete(id);
    return "deleted" as const;
  }
  guardLastActiveAdmin(id: string, at: string): Statement {
    return labelledStatement("users.guard_last_admin", () => {
      const row = this.rows.get(id);
      if (!row) return 0;
      const others = [...this.rows.values()].filter(
        (other) => other.id !== id && other.role === "admin" && other.isActive,
      );
      if (row.role === "admin" && row.isActive && others.length === 0) {
        throw new FakeLastAdminRefusal();
      }
      this.rows.set(id, { ...row, updatedAt: at });
      return 1;
    });
  }
  isLastAdminRefusal(error: unknown) {
    return error instanceof FakeLastAdminRefusal;
  }
  deleteStatement(id: string): Statement {
    return labelledStatement("users.delete", () => {
      if (this.referenced.has(id)) throw new FakeReferencedUser();
      return this.rows.delete(id) ? 1 : 0;
    });
  }
  isReferenced(error: unknown) {
    return error instanceof FakeReferencedUser;
  }
  snapshot() {
    return mapSnapshot(this.rows);
  }
  async list(filter: UserFilter, page: PageRequest) {
    return [...this.rows.values()]
      .filter((row) => !filter.role || row.role === filter.role)
      .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))
      .slice(0, page.limit + 1);
  }
}

export class FakeRefreshTokens implements RefreshTokensRepository {
  readonly rows = new Map<string, RefreshTokenRecord>();
  /** Runs just before a claim: lets a test play a concurrent request. */
  beforeClaim?: () => void;

  async findByHash(tokenHash: string) {
    const row = [...this.rows.values()].find((candidate) => candidate.tokenHash === tokenHash);
    return row ? { ...row } : null;
  }
  insert(record: RefreshTokenRecord): Statement {
    return labelledStatement("refresh_tokens.insert", () => {
      this.rows.set(record.id, { ...record });
      return 1;
    });
  }
  claim(id: string, at: string): Statement {
    return labelledStatement("refresh_tokens.claim", () => {
      this.beforeClaim?.();
      const row = this.rows.get(id);
      if (!row || row.usedAt || row.revokedAt) return 0;
      row.usedAt = at;
      return 1;
    });
  }
  revokeFamily(familyId: string, at: string): Statement {
    return this.revokeWhere("refresh_tokens.revoke_family", (row) => row.familyId === familyId, at);
  }
  revokeAllForUser(userId: string, at: string): Statement {
    return this.revokeWhere("refresh_tokens.revoke_user", (row) => row.userId === userId, at);
  }
  revokeAllForUserExcept(userId: string, familyId: string, at: string): Statement {
    return this.revokeWhere(
      "refresh_tokens.revoke_user_except",
      (row) => row.userId === userId && row.familyId !== familyId,
      at,
    );
  }
  private revokeWhere(label: string, match: (row: RefreshTokenRecord) => boolean, at: string) {
    return labelledStatement(label, () => {
      let count = 0;
      for (const row of this.rows.values()) {
        if (match(row) && !row.revokedAt) {
          row.revokedAt = at;
          count += 1;
        }
      }
      return count;
    });
  }
  async deleteExpired(now: string) {
    return deleteWhere(this.rows, (row) => row.expiresAt <= now);
  }
}

export class FakeResetTokens implements ResetTokensRepository {
  readonly rows = new Map<string, ResetTokenRecord>();

  async findByHash(tokenHash: string) {
    const row = [...this.rows.values()].find((candidate) => candidate.tokenHash === tokenHash);
    return row ? { ...row } : null;
  }
  insert(record: ResetTokenRecord): Statement {
    return labelledStatement("password_reset_tokens.insert", () => {
      this.rows.set(record.id, { ...record });
      return 1;
    });
  }
  async consume(id: string, at: string) {
    const row = this.rows.get(id);
    if (!row || row.usedAt || row.expiresAt <= at) return false;
    row.usedAt = at;
    return true;
  }
  consumeAllForUser(userId: string, at: string): Statement {
    return labelledStatement("password_reset_tokens.consume_user", () => {
      let count = 0;
      for (const row of this.rows.values()) {
        if (row.userId === userId && !row.usedAt) {
          row.usedAt = at;
          count += 1;
        }
      }
      return count;
    });
  }
  async deleteExpired(now: string) {
    return deleteWhere(this.rows, (row) => row.expiresAt <= now);
  }
}

function deleteWhere<T>(rows: Map<string, T>, match: (row: T) => boolean): number {
  let deleted = 0;
  for (const [id, row] of rows) {
    if (match(row)) {
      rows.delete(id);
      deleted += 1;
    }
  }
  return deleted;
}
