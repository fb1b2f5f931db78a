import { describe, expect, it } from "vitest";
import { AccessTokens } from "../../../src/domains/auth/access-tokens";
import { Authenticator, type CheckedPrincipal } from "../../../src/domains/auth/authenticator";
import type {
  PrincipalRecord,
  PrincipalsRepository,
} from "../../../src/domains/auth/principals.repository";
import { AppError } from "../../../src/lib/errors";

const tokens = new AccessTokens({
  secret: "unit-test-secret-that-is-long-enough-0123",
  issuer: "https://issuer.test",
  audience: "unit-tests",
});

type Account = Omit<PrincipalRecord, "sessionLive">;

/**
 * Accounts and their sessions (refresh token families: live or revoked), read as the D1
 * repository does: one lookup per request for both, answered when the trip is flushed.
 */
class FakePrincipals implements PrincipalsRepository {
  readonly lookups: [string, string | undefined][] = [];
  private waiting: (() => void)[] = [];

  constructor(
    private readonly accounts: Account[],
    private readonly sessions: Record<string, { userId: string; live: boolean }>,
  ) {}

  findWithNextRead(
    userId: string,
    sessionId: string | undefined,
    accept: (record: PrincipalRecord | null) => void,
  ): void {
    this.lookups.push([userId, sessionId]);
    this.waiting.push(() => {
      const account = this.accounts.find((candidate) => candidate.id === userId);
      if (!account) return accept(null);
      const session = sessionId === undefined ? undefined : this.sessions[sessionId];
      const sessionLive =
        sessionId === undefined || (session?.userId === userId && session.live === true);
      accept({ ...account, sessionLive });
    });
  }

  /** The request's next round trip: every waiting read is answered. */
  async flush(): Promise<void> {
    const waiting = this.waiting;
    this.waiting = [];
    for (const answer of waiting) answer();
  }
}

const ada: Account = {
  id: "user-ada",
  email: "ada@example.com",
  role: "customer",
  tier: "standard",
  isActive: true,
};

/** Authenticates `token` and runs the account check the way the request's first trip does. */
async function checked(principals: FakePrincipals, token: string): Promise<CheckedPrincipal> {
  const principal = await new Authenticator(tokens, principals, principals).authenticate(token);
  await principals.flush();
  return principal;
}

async function refusal(principals: FakePrincipals, token: string): Promise<AppError> {
  const error = await checked(principals, token).then(
    () => {
      throw new Error("expected the token to be refused");
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe("Authenticator: the account and the token's session, in one lookup", () => {
  it("accepts a token of a live session and names the session on the principal", async () => {
    const principals = new FakePrincipals([ada], { live: { userId: ada.id, live: true } });
    const token = await tokens.sign({ sub: ada.id, role: "customer", sid: "live" });
    const principal = await checked(principals, token);
    expect(principal.sessionId).toBe("live");
    expect(principal.email).toBe(ada.email);
    expect(principal.tier).toBe("standard");
    expect(principals.lookups).toEqual([[ada.id, "live"]]);
  });

  it("refuses a token whose session was revoked: 401 invalid_token, naming the session", async () => {
    const principals = new FakePrincipals([ada], { gone: { userId: ada.id, live: false } });
    const token = await tokens.sign({ sub: ada.id, role: "customer", sid: "gone" });
    const error = await refusal(principals, token);
    expect([error.status, error.code]).toEqual([401, "invalid_token"]);
    expect(error.message).toContain("session");
  });

  it("refuses a session that is unknown or another user's (fails closed)", async () => {
    const principals = new FakePrincipals([ada], { theirs: { userId: "someone", live: true } });
    for (const sid of ["unknown", "theirs"]) {
      const token = await tokens.sign({ sub: ada.id, role: "customer", sid });
      expect((await refusal(principals, token)).code).toBe("invalid_token");
    }
  });

  it("refuses a deactivated or unknown account, whatever its session", async () => {
    const principals = new FakePrincipals([{ ...ada, isActive: false }], {
      live: { userId: ada.id, live: true },
    });
    const inactive = await tokens.sign({ sub: ada.id, role: "customer", sid: "live" });
    expect((await refusal(principals, inactive)).message).toContain("not active");
    const unknown = await tokens.sign({ sub: "nobody", role: "customer" });
    expect((await refusal(principals, unknown)).code).toBe("invalid_token");
  });

  it("has no session to check for a token without sid (a test factory's or a script's)", async () => {
    const principals = new FakePrincipals([ada], {});
    const token = await tokens.sign({ sub: ada.id, role: "customer" });
    const principal = await checked(principals, token);
    expect(principal.sessionId).toBeUndefined();
    expect(principals.lookups).toEqual([[ada.id, undefined]]);
  });
});
