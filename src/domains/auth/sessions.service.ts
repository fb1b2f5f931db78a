import {
  type BatchRead,
  changedRows,
  type Statement,
  type UnitOfWorkFactory,
} from "../../db/unit-of-work";
import { addSeconds, type Clock } from "../../lib/clock";
import { newId } from "../../lib/ids";
import type { SessionRevoker } from "../users/users.service";
import { InvalidRefreshTokenError, RefreshTokenReusedError } from "./auth.errors";
import type { RefreshTokenRecord, RefreshTokensRepository } from "./auth.repository";
import { REFRESH_TOKEN_TTL_SECONDS, SESSION_MAX_AGE_SECONDS } from "./auth.values";
import { hashOpaqueToken, newOpaqueToken } from "./opaque-tokens";

/**
 * A refresh token just minted: the raw value for the client, its family (the session, which
 * access tokens name in `sid`) and the insert for the caller's batch.
 */
export type NewRefreshToken = { token: string; familyId: string; statement: Statement };

export type RotatedSession = { userId: string; familyId: string; token: string };

/**
 * Sessions are refresh token families (one per login), rotated on every refresh
 * (RFC 9700 §4.14): each token works once; presenting a used one means it leaked, so the
 * whole family is revoked. Only SHA-256 hashes of the tokens are stored.
 */
export class SessionsService implements SessionRevoker {
  constructor(
    private readonly tokens: RefreshTokensRepository,
    private readonly unitOfWork: UnitOfWorkFactory,
    private readonly clock: Clock,
  ) {}

  /** The first token of a new family (a login), to commit with the caller's other writes. */
  start(userId: string, at: Date): Promise<NewRefreshToken> {
    const familyEnd = addSeconds(at, SESSION_MAX_AGE_SECONDS).toISOString();
    return this.mint(userId, newId(), familyEnd, at);
  }

  /**
   * Spends `rawToken` and returns its successor in the same family. The claim is a
   * conditional update in the same batch as the successor's insert: of two refreshes with
   * one token only one claims it; the other is treated as reuse. `alongside` adds a read
   * of the token's user to that batch (the caller needs the account: no extra round trip).
   */
  async rotate<T = undefined>(
    rawToken: string,
    alongside?: (userId: string) => BatchRead<T>,
  ): Promise<RotatedSession & { alongside: T | undefined }> {
    const now = this.clock.now();
    const current = await this.tokens.findByHash(await hashOpaqueToken(rawToken));
    if (!current || current.revokedAt) throw new InvalidRefreshTokenError();
    if (current.usedAt) await this.detectedReuse(current, now);
    // No token outlives its family (see mint); the family's end is checked as well for rows
    // written before that rule existed.
    const at = now.toISOString();
    if (current.expiresAt <= at || current.familyExpiresAt <= at) {
      throw new InvalidRefreshTokenError();
    }

    const next = await this.mint(current.userId, current.familyId, current.familyExpiresAt, now);
    const extra = alongside?.(current.userId);
    const work = this.unitOfWork
      .begin()
      .add(this.tokens.claim(current.id, now.toISOString()), next.statement);
    if (extra) work.add(extra.statement);
    const [claim, , extraResult] = await work.commit();
    if (changedRows(claim) !== 1) {
      // Someone spent or revoked it since we read it. The successor just inserted belongs to
      // the same family, so revoking the family revokes it too.
      const latest = await this.tokens.findByHash(current.tokenHash);
      if (latest?.usedAt) await this.detectedReuse(latest, now);
      await this.revokeFamily(current.familyId, now);
      throw new InvalidRefreshTokenError();
    }
    return {
      userId: current.userId,
      familyId: current.familyId,
      token: next.token,
      alongside: extra?.read(extraResult),
    };
  }

  /** Logout: revokes the token's family. Unknown or already revoked tokens change nothing. */
  async end(rawToken: string): Promise<void> {
    const current = await this.tokens.findByHash(await hashOpaqueToken(rawToken));
    if (!current || current.revokedAt) return;
    await this.revokeFamily(current.familyId, this.clock.now());
  }

  async revokeFamily(familyId: string, at: Date): Promise<void> {
    await this.unitOfWork
      .begin()
      .add(this.tokens.revokeFamily(familyId, at.toISOString()))
      .commit();
  }

  revokeAllForUser(userId: string, at: Date): Statement {
    return this.tokens.revokeAllForUser(userId, at.toISOString());
  }

  /** Every other session of the user: `familyId` (the caller's own) keeps working. */
  revokeAllForUserExcept(userId: string, familyId: string, at: Date): Statement {
    return this.tokens.revokeAllForUserExcept(userId, familyId, at.toISOString());
  }

  /** For the cron: expired refresh tokens can never be used again. Returns how many went. */
  purgeExpired(): Promise<number> {
    return this.tokens.deleteExpired(this.clock.now().toISOString());
  }

  private async detectedReuse(token: RefreshTokenRecord, now: Date): Promise<never> {
    await this.revokeFamily(token.familyId, now);
    throw new RefreshTokenReusedError();
  }

  /** A token lives 30 days, but never past its family's end (so `expiresAt` says it all). */
  private async mint(
    userId: string,
    familyId: string,
    familyExpiresAt: string,
    at: Date,
  ): Promise<NewRefreshToken> {
    const token = newOpaqueToken();
    const ownExpiry = addSeconds(at, REFRESH_TOKEN_TTL_SECONDS).toISOString();
    const record: RefreshTokenRecord = {
      id: newId(),
      userId,
      familyId,
      familyExpiresAt,
      tokenHash: await hashOpaqueToken(token),
      expiresAt: ownExpiry < familyExpiresAt ? ownExpiry : familyExpiresAt,
      usedAt: null,
      revokedAt: null,
      createdAt: at.toISOString(),
    };
    return { token, familyId, statement: this.tokens.insert(record) };
  }
}
