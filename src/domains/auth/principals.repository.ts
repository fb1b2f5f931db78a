import { and, eq, isNull, type Placeholder, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { CompiledShapes } from "../../db/compiled";
import type { RideAlong } from "../../db/request-d1";
import { principalColumns, users } from "../users/users.table";
import type { Role, Tier } from "../users/users.values";
import { refreshTokens } from "./auth.table";

/** The account behind an access token as one request sees it, and whether its session lives. */
export type PrincipalRecord = {
  id: string;
  email: string;
  role: Role;
  tier: Tier;
  isActive: boolean;
  /** False once the token's session (refresh token family) was revoked or has ended. */
  sessionLive: boolean;
};

export interface PrincipalsRepository {
  /**
   * Reads the account and the state of the token's session in ONE query, which shares the
   * request's next read round trip (never one of its own: the contract's budgets count it).
   * `accept` gets the record (null: no such user) before that trip's other results are used:
   * throwing there fails them. Without a `sessionId` there is no session to check.
   */
  findWithNextRead(
    userId: string,
    sessionId: string | undefined,
    accept: (record: PrincipalRecord | null) => void,
  ): void;
}

type PrincipalValues = { userId: string; sessionId?: string };

/**
 * A family is revoked as a whole (logout, reset, reuse, deactivation, password change), so
 * one unrevoked token of it means the session lives. A family with no token left (purged
 * after its end) or one that is not the user's counts as ended: an unknown session fails
 * closed. `refresh_tokens_family_idx` makes it an index lookup.
 */
function liveToken(db: Database, familyId: Placeholder) {
  return db
    .select({ one: sql`1` })
    .from(refreshTokens)
    .where(
      and(
        eq(refreshTokens.familyId, familyId),
        eq(refreshTokens.userId, users.id),
        isNull(refreshTokens.revokedAt),
      ),
    );
}

/** Every authenticated request's check, compiled once per isolate: with a session, or none. */
const PRINCIPAL = new CompiledShapes<{ session: boolean }, PrincipalValues>(
  ({ session }) => String(session),
  ({ session }, db, p) => {
    const sessionLive = session ? sql`EXISTS ${liveToken(db, p.sessionId)}` : sql`1`;
    return db
      .select({ ...principalColumns, sessionLive: sessionLive.as("session_live") })
      .from(users)
      .where(eq(users.id, p.userId))
      .limit(1);
  },
);

export class D1PrincipalsRepository implements PrincipalsRepository {
  constructor(private readonly trips: RideAlong) {}

  findWithNextRead(
    userId: string,
    sessionId: string | undefined,
    accept: (record: PrincipalRecord | null) => void,
  ): void {
    const query = PRINCIPAL.get({ session: sessionId !== undefined }).with({ userId, sessionId });
    this.trips.ride({
      ...query,
      // Raw D1 rows (column names, SQLite values), not Drizzle's mapping.
      accept: ([row]) =>
        accept(
          row
            ? {
                id: String(row.id),
                email: String(row.email),
                role: row.role as Role,
                tier: row.tier as Tier,
                isActive: row.is_active === 1,
                sessionLive: row.session_live === 1,
              }
            : null,
        ),
    });
  }
}
