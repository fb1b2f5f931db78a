import { and, eq, gt, isNull, lte, ne } from "drizzle-orm";
import type { Database } from "../../db/client";
import { asStatement, changedRows, type Statement } from "../../db/unit-of-work";
import { passwordResetTokens, refreshTokens } from "./auth.table";

export type RefreshTokenRecord = typeof refreshTokens.$inferSelect;
export type ResetTokenRecord = typeof passwordResetTokens.$inferSelect;

export interface RefreshTokensRepository {
  findByHash(tokenHash: string): Promise<RefreshTokenRecord | null>;
  insert(record: RefreshTokenRecord): Statement;
  /** Marks a token used only if it is still unused and unrevoked: 1 changed row = claimed. */
  claim(id: string, at: string): Statement;
  revokeFamily(familyId: string, at: string): Statement;
  revokeAllForUser(userId: string, at: string): Statement;
  /** Revokes every family of the user but `familyId` (the caller's own session). */
  revokeAllForUserExcept(userId: string, familyId: string, at: string): Statement;
  /** Deletes tokens expired at `now` (no longer usable, so no longer worth a reuse alarm). */
  deleteExpired(now: string): Promise<number>;
}

export interface ResetTokensRepository {
  findByHash(tokenHash: string): Promise<ResetTokenRecord | null>;
  insert(record: ResetTokenRecord): Statement;
  /** Spends a token in one statement if it is unused and unexpired; true when this call did. */
  consume(id: string, at: string): Promise<boolean>;
  /** Spends every outstanding token of a user (after a reset, only one link may work). */
  consumeAllForUser(userId: string, at: string): Statement;
  /** Deletes tokens expired at `now`: spent or not, they can never be used again. */
  deleteExpired(now: string): Promise<number>;
}

export class D1RefreshTokensRepository implements RefreshTokensRepository {
  constructor(private readonly db: Database) {}

  async findByHash(tokenHash: string): Promise<RefreshTokenRecord | null> {
    const [row] = await this.db
      .select()
      .from(refreshTokens)
      .where(eq(refreshTokens.tokenHash, tokenHash))
      .limit(1);
    return row ?? null;
  }

  insert(record: RefreshTokenRecord): Statement {
    return asStatement(this.db.insert(refreshTokens).values(record));
  }

  claim(id: string, at: string): Statement {
    return asStatement(
      this.db
        .update(refreshTokens)
        .set({ usedAt: at })
        .where(
          and(
            eq(refreshTokens.id, id),
            isNull(refreshTokens.usedAt),
            isNull(refreshTokens.revokedAt),
          ),
        ),
    );
  }

  revokeFamily(familyId: string, at: string): Statement {
    return asStatement(
      this.db
        .update(refreshTokens)
        .set({ revokedAt: at })
        .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt))),
    );
  }

  revokeAllForUser(userId: string, at: string): Statement {
    return asStatement(
      this.db
        .update(refreshTokens)
        .set({ revokedAt: at })
        .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt))),
    );
  }

  revokeAllForUserExcept(userId: string, familyId: string, at: string): Statement {
    return asStatement(
      this.db
        .update(refreshTokens)
        .set({ revokedAt: at })
        .where(
          and(
            eq(refreshTokens.userId, userId),
            ne(refreshTokens.familyId, familyId),
            isNull(refreshTokens.revokedAt),
          ),
        ),
    );
  }

  async deleteExpired(now: string): Promise<number> {
    return changedRows(
      await this.db.delete(refreshTokens).where(lte(refreshTokens.expiresAt, now)),
    );
  }
}

export class D1ResetTokensRepository implements ResetTokensRepository {
  constructor(private readonly db: Database) {}

  async findByHash(tokenHash: string): Promise<ResetTokenRecord | null> {
    const [row] = await this.db
      .select()
      .from(passwordResetTokens)
      .where(eq(passwordResetTokens.tokenHash, tokenHash))
      .limit(1);
    return row ?? null;
  }

  insert(record: ResetTokenRecord): Statement {
    return asStatement(this.db.insert(passwordResetTokens).values(record));
  }

  async consume(id: string, at: string): Promise<boolean> {
    const result = await this.db
      .update(passwordResetTokens)
      .set({ usedAt: at })
      .where(
        and(
          eq(passwordResetTokens.id, id),
          isNull(passwordResetTokens.usedAt),
          gt(passwordResetTokens.expiresAt, at),
        ),
      );
    return changedRows(result) === 1;
  }

  consumeAllForUser(userId: string, at: string): Statement {
    return asStatement(
      this.db
        .update(passwordResetTokens)
        .set({ usedAt: at })
        .where(and(eq(passwordResetTokens.userId, userId), isNull(passwordResetTokens.usedAt))),
    );
  }

  async deleteExpired(now: string): Promise<number> {
    return changedRows(
      await this.db.delete(passwordResetTokens).where(lte(passwordResetTokens.expiresAt, now)),
    );
  }
}
