/**
 * In-memory stand-ins for the accounts repositories and collaborators. Their statements are
 * labelled, so tests can assert what the shared FakeUnitOfWork committed together.
 * Fakes more than one domain uses live in test/fakes/.
 */
import type { Statement } from "../../../src/db/unit-of-work";
import type {
  RefreshTokenRecord,
  RefreshTokensRepository,
  ResetTokenRecord,
  ResetTokensRepository,
} from "../../../src/domains/auth/auth.repository";
import type { PasswordHasher, Verification } from "../../../src/domains/auth/passwords";
import { labelledStatement } from "../../fakes/unit-of-work";

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
