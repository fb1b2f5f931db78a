import { ForbiddenError, InvalidTokenError } from "../../lib/errors";
import type { ActiveUser } from "../users/users.service";
import type { Role, Tier } from "../users/users.values";
import {
  type AccessTokenClaims,
  type AccessTokens,
  InvalidAccessTokenError,
} from "./access-tokens";
import type { Principal } from "./auth.principal";
import type { PrincipalRecord, PrincipalsRepository } from "./principals.repository";

/** Sends the reads waiting for the request's next round trip now (the request's D1 session). */
export type TripFlusher = { flush(): Promise<void> };

/**
 * The caller as its access token says, until the account behind it has been read. That
 * read shares the request's first round trip; `email` and `tier` exist only after it.
 */
export class CheckedPrincipal implements Principal {
  readonly id: string;
  role: Role;
  readonly sessionId?: string;
  private user: ActiveUser | undefined;
  private checked = false;
  /**
   * True once the account was read before any of the request's own reads: its role then
   * replaces the token's. Otherwise the request's first read was made with the token's role,
   * which therefore stays.
   */
  private adoptRole = false;
  private requiredRole: Role | undefined;

  constructor(claims: AccessTokenClaims) {
    this.id = claims.sub;
    this.role = claims.role;
    if (claims.sid) this.sessionId = claims.sid;
  }

  get email(): string {
    return this.account().email;
  }

  get tier(): Tier {
    return this.account().tier;
  }

  /** Whether the account has been read (accepted or refused). */
  get settled(): boolean {
    return this.checked;
  }

  /** For a check made before any read that the role could change: the account's role is the one to use. */
  beforeReads(): void {
    this.adoptRole = true;
  }

  /** The check refuses (403) an account without `role`, whatever the token says. */
  require(role: Role): void {
    this.requiredRole = role;
  }

  /**
   * Given the account and the state of the token's session (null: no such account);
   * throws to refuse the request.
   */
  accept(record: PrincipalRecord | null): void {
    this.checked = true;
    if (!record?.isActive) {
      throw new InvalidTokenError("The account behind this token is not active");
    }
    if (!record.sessionLive) {
      throw new InvalidTokenError(
        "The session of this token has ended (logged out or revoked): log in again",
      );
    }
    const user: ActiveUser = {
      id: record.id,
      email: record.email,
      role: record.role,
      tier: record.tier,
    };
    if (this.adoptRole) this.role = user.role;
    if (this.requiredRole && user.role !== this.requiredRole) {
      throw new ForbiddenError(`This operation requires the ${this.requiredRole} role`);
    }
    this.user = user;
  }

  private account(): ActiveUser {
    // A bug, not a client error: something used the principal before the account was read.
    if (!this.user) throw new Error("The principal's account has not been read yet");
    return this.user;
  }
}

/**
 * Turns a bearer token into the current principal. The user and the token's session are
 * re-read on every request, so deactivation, role changes and revoked sessions (logout,
 * reset, reuse detection, a password change, deactivation) take effect from the next
 * request on; that one query shares the request's first round trip to D1 (its result is
 * checked before that trip's other results are used).
 */
export class Authenticator {
  constructor(
    private readonly tokens: AccessTokens,
    private readonly principals: PrincipalsRepository,
    private readonly trips: TripFlusher,
  ) {}

  /** Verifies the token (no I/O) and queues the account check with the request's next read. */
  async authenticate(token: string): Promise<CheckedPrincipal> {
    let claims: AccessTokenClaims;
    try {
      claims = await this.tokens.verify(token);
    } catch (error) {
      if (error instanceof InvalidAccessTokenError) {
        throw new InvalidTokenError(
          error.message === "expired"
            ? "The access token has expired"
            : "The access token is invalid",
        );
      }
      throw error;
    }
    const principal = new CheckedPrincipal(claims);
    this.principals.findWithNextRead(claims.sub, claims.sid, (record) => principal.accept(record));
    return principal;
  }

  /** Checks the account now, in a round trip of its own, if that has not happened yet. */
  async confirm(principal: CheckedPrincipal): Promise<void> {
    if (principal.settled) return;
    await this.trips.flush();
  }
}
