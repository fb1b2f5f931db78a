import { describe, expect, it } from "vitest";
import {
  REFRESH_TOKEN_TTL_SECONDS,
  SESSION_MAX_AGE_SECONDS,
} from "../../../src/domains/auth/auth.values";
import { SessionsService } from "../../../src/domains/auth/sessions.service";
import { UnauthenticatedError } from "../../../src/lib/errors";
import { FakeClock } from "../../fakes/clock";
import { FakeUnitOfWork } from "../../fakes/unit-of-work";
import { FakeRefreshTokens } from "./fakes";

function setup() {
  const tokens = new FakeRefreshTokens();
  const uow = new FakeUnitOfWork();
  const clock = new FakeClock();
  const sessions = new SessionsService(tokens, uow, clock);
  async function login(userId = "user-1") {
    const started = await sessions.start(userId, clock.now());
    await uow.begin().add(started.statement).commit();
    return started.token;
  }
  return { tokens, uow, clock, sessions, login };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(UnauthenticatedError);
  return (error as UnauthenticatedError).code;
}

describe("SessionsService", () => {
  it("starts a family with a 30-day token stored only as a hash", async () => {
    const { tokens, clock, login } = setup();
    const token = await login();
    const [row] = [...tokens.rows.values()];
    expect(row?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(row?.tokenHash).not.toBe(token);
    expect(Date.parse(row?.expiresAt ?? "") - clock.now().getTime()).toBe(
      REFRESH_TOKEN_TTL_SECONDS * 1000,
    );
  });

  it("ends the family 90 days after the login, however often it is refreshed", async () => {
    const { tokens, clock, sessions, login } = setup();
    const loginAt = clock.now().getTime();
    let token = await login();
    // Refresh every 29 days: each token alone would live 30 days past its refresh.
    for (let day = 29; day < 90; day += 29) {
      clock.advanceSeconds(29 * 24 * 3600);
      token = (await sessions.rotate(token)).token;
    }
    const latest = [...tokens.rows.values()].at(-1);
    expect(Date.parse(latest?.expiresAt ?? "")).toBe(loginAt + SESSION_MAX_AGE_SECONDS * 1000);
    expect(latest?.familyExpiresAt).toBe(latest?.expiresAt);
    clock.advanceSeconds(SESSION_MAX_AGE_SECONDS - 87 * 24 * 3600);
    expect(await codeOf(sessions.rotate(token))).toBe("invalid_refresh_token");
  });

  it("refuses a token whose family has ended even if the token itself has not", async () => {
    const { tokens, clock, sessions, login } = setup();
    const token = await login();
    for (const row of tokens.rows.values()) {
      row.familyExpiresAt = clock.now().toISOString();
    }
    clock.advanceSeconds(1);
    expect(await codeOf(sessions.rotate(token))).toBe("invalid_refresh_token");
  });

  it("rotates: the successor stays in the family, the old token is spent atomically with it", async () => {
    const { tokens, uow, sessions, login } = setup();
    const token = await login();
    const rotated = await sessions.rotate(token);
    expect(rotated.token).not.toBe(token);
    expect(uow.commits.at(-1)).toEqual(["refresh_tokens.claim", "refresh_tokens.insert"]);
    const families = new Set([...tokens.rows.values()].map((row) => row.familyId));
    expect(families.size).toBe(1);
    expect((await sessions.rotate(rotated.token)).userId).toBe("user-1");
  });

  it("treats a spent token as reuse: the whole family is revoked", async () => {
    const { tokens, sessions, login } = setup();
    const token = await login();
    const successor = await sessions.rotate(token);
    expect(await codeOf(sessions.rotate(token))).toBe("refresh_token_reused");
    expect([...tokens.rows.values()].every((row) => row.revokedAt !== null)).toBe(true);
    expect(await codeOf(sessions.rotate(successor.token))).toBe("invalid_refresh_token");
  });

  it("leaves the user's other families alone on reuse", async () => {
    const { sessions, login } = setup();
    const first = await login();
    const second = await login();
    await sessions.rotate(first);
    await codeOf(sessions.rotate(first));
    await expect(sessions.rotate(second)).resolves.toMatchObject({ userId: "user-1" });
  });

  it("lets one of two concurrent rotations win; the loser is reuse", async () => {
    const { sessions, login } = setup();
    const token = await login();
    const results = await Promise.allSettled([sessions.rotate(token), sessions.rotate(token)]);
    expect(results.filter((result) => result.status === "fulfilled")).toHaveLength(1);
    const rejected = results.find((result) => result.status === "rejected");
    expect((rejected as PromiseRejectedResult).reason.code).toBe("refresh_token_reused");
  });

  it("handles losing the claim after reading the token as unused", async () => {
    const { tokens, sessions, login } = setup();
    const token = await login();
    // Another request spends the token between this one's read and its claim.
    tokens.beforeClaim = () => {
      tokens.beforeClaim = undefined;
      for (const row of tokens.rows.values()) row.usedAt ??= "2026-11-21T10:00:00.000Z";
    };
    expect(await codeOf(sessions.rotate(token))).toBe("refresh_token_reused");
    // Including the successor this request inserted before it knew it lost.
    expect([...tokens.rows.values()].every((row) => row.revokedAt !== null)).toBe(true);
  });

  it("refuses an expired token without touching the family", async () => {
    const { tokens, clock, sessions, login } = setup();
    const token = await login();
    clock.advanceSeconds(REFRESH_TOKEN_TTL_SECONDS);
    expect(await codeOf(sessions.rotate(token))).toBe("invalid_refresh_token");
    expect([...tokens.rows.values()].every((row) => row.revokedAt === null)).toBe(true);
  });

  it("refuses unknown and revoked tokens", async () => {
    const { sessions, login } = setup();
    expect(await codeOf(sessions.rotate("unknown"))).toBe("invalid_refresh_token");
    const token = await login();
    await sessions.end(token);
    expect(await codeOf(sessions.rotate(token))).toBe("invalid_refresh_token");
  });

  it("logout revokes the family and ignores unknown tokens", async () => {
    const { tokens, uow, sessions, login } = setup();
    const token = await login();
    await sessions.end(token);
    expect([...tokens.rows.values()].every((row) => row.revokedAt !== null)).toBe(true);
    const commits = uow.commits.length;
    await sessions.end("unknown");
    expect(uow.commits).toHaveLength(commits);
  });

  it("start names the new family, a fresh one per login", async () => {
    const { tokens, sessions, clock, uow } = setup();
    const first = await sessions.start("user-1", clock.now());
    const second = await sessions.start("user-1", clock.now());
    await uow.begin().add(first.statement, second.statement).commit();
    expect(first.familyId).not.toBe(second.familyId);
    const families = [...tokens.rows.values()].map((row) => row.familyId).sort();
    expect(families).toEqual([first.familyId, second.familyId].sort());
  });

  it("revokeAllForUserExcept keeps that family of the user and revokes the others", async () => {
    const { tokens, uow, clock, sessions } = setup();
    const start = async (userId: string) => {
      const started = await sessions.start(userId, clock.now());
      await uow.begin().add(started.statement).commit();
      return started;
    };
    const kept = await start("user-1");
    const other = await start("user-1");
    await start("user-2");
    await uow
      .begin()
      .add(sessions.revokeAllForUserExcept("user-1", kept.familyId, clock.now()))
      .commit();
    expect(uow.commits.at(-1)).toEqual(["refresh_tokens.revoke_user_except"]);
    const rows = [...tokens.rows.values()];
    const revoked = (familyOrUser: string) =>
      rows
        .filter((row) => row.familyId === familyOrUser || row.userId === familyOrUser)
        .map((row) => row.revokedAt !== null);
    expect(revoked(kept.familyId)).toEqual([false]);
    expect(revoked(other.familyId)).toEqual([true]);
    expect(revoked("user-2")).toEqual([false]);
    // The kept family still rotates; the other does not.
    await expect(sessions.rotate(kept.token)).resolves.toMatchObject({ familyId: kept.familyId });
    expect(await codeOf(sessions.rotate(other.token))).toBe("invalid_refresh_token");
  });

  it("revokeAllForUser revokes every family of that user only", async () => {
    const { tokens, uow, clock, sessions, login } = setup();
    await login("user-1");
    await login("user-1");
    await login("user-2");
    await uow.begin().add(sessions.revokeAllForUser("user-1", clock.now())).commit();
    const revoked = [...tokens.rows.values()].map((row) => [row.userId, row.revokedAt !== null]);
    expect(revoked.sort()).toEqual([
      ["user-1", true],
      ["user-1", true],
      ["user-2", false],
    ]);
  });
});
