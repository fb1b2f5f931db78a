import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it, vi } from "vitest";
import { passwordResetTokens } from "../../../src/domains/auth/auth.table";
import {
  db,
  expectProblem,
  insertResetToken,
  login,
  outboxFor,
  refresh,
  refreshTokensOf,
} from "../../helpers/auth";
import { createUser, loginAs, unique } from "../../helpers/factories";
import { api, json } from "../../helpers/http";

const PASSWORD = "correct-horse-battery";
const NEW_PASSWORD = "a-brand-new-password";

function requestReset(email: string) {
  return api("/api/v1/auth/password-reset", { method: "POST", body: { email } });
}

function confirmReset(token: string, newPassword = NEW_PASSWORD) {
  return api("/api/v1/auth/password-reset/confirm", {
    method: "POST",
    body: { token, new_password: newPassword },
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("POST /api/v1/auth/password-reset", () => {
  it("answers 202 for an unknown email and queues nothing", async () => {
    const email = `${unique("ghost")}@example.com`;
    const res = await requestReset(email);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: "accepted" });
    expect(await outboxFor(email)).toEqual([]);
  });

  it("answers the same 202 for an existing email and writes the token and the email together", async () => {
    const user = await createUser({ password: PASSWORD });
    const res = await requestReset(user.email);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ status: "accepted" });
    const [mail] = await outboxFor(user.email);
    expect(mail?.template).toBe("password_reset");
    const tokens = await db()
      .select()
      .from(passwordResetTokens)
      .where(eq(passwordResetTokens.userId, user.id));
    expect(tokens).toHaveLength(1);
    const minutes = (Date.parse(tokens[0]?.expiresAt ?? "") - Date.now()) / 60_000;
    expect(minutes).toBeGreaterThan(29);
    expect(minutes).toBeLessThanOrEqual(30);
  });

  it("queues nothing for a deactivated account", async () => {
    const user = await createUser({ password: PASSWORD, isActive: false });
    expect((await requestReset(user.email)).status).toBe(202);
    expect(await outboxFor(user.email)).toEqual([]);
  });

  it("allows 3 requests per email per minute, then 429 with Retry-After", async () => {
    const email = `${unique("flood")}@example.com`;
    for (let i = 0; i < 3; i++) expect((await requestReset(email)).status).toBe(202);
    const limited = await requestReset(email);
    expect(limited.headers.get("Retry-After")).toBe("60");
    await expectProblem(limited, 429, "rate_limited");
  });

  it("delivers the email through the queue; its token resets the password end to end", async () => {
    const log = vi.spyOn(console, "log");
    const user = await createUser({ password: PASSWORD });
    const session = await loginAs(user);
    expect((await requestReset(user.email)).status).toBe(202);

    // The real consumer delivers through the development log mailer.
    const token = await vi.waitFor(
      () => {
        for (const [line] of log.mock.calls) {
          if (typeof line !== "string" || !line.includes("development log mailer")) continue;
          const entry = JSON.parse(line) as { to: string; text: string };
          const match = /token=([A-Za-z0-9_-]{43})/.exec(entry.text);
          if (entry.to === user.email && match?.[1]) return match[1];
        }
        throw new Error("no reset email yet");
      },
      { timeout: 10_000, interval: 100 },
    );
    await vi.waitFor(
      async () => {
        const [row] = await outboxFor(user.email);
        expect(row?.status).toBe("sent");
        expect(row?.payload).toBe("{}");
      },
      { timeout: 5_000, interval: 100 },
    );

    expect((await confirmReset(token)).status).toBe(204);
    expect((await login(user.email, NEW_PASSWORD)).status).toBe(200);
    await expectProblem(await login(user.email, PASSWORD), 401, "invalid_credentials");
    // Every session of the account is revoked.
    await expectProblem(await refresh(session.refresh_token), 401, "invalid_refresh_token");
    // Single use.
    await expectProblem(
      await confirmReset(token, "yet-another-password"),
      400,
      "invalid_reset_token",
    );
  });
});

describe("POST /api/v1/auth/password-reset/confirm", () => {
  it("sets the password, revokes every refresh token and spends the token", async () => {
    const user = await createUser({ password: PASSWORD });
    await loginAs(user);
    await loginAs(user);
    const token = await insertResetToken(user.id);
    expect((await confirmReset(token)).status).toBe(204);
    const sessions = await refreshTokensOf(user.id);
    expect(sessions).toHaveLength(2);
    expect(sessions.every((row) => row.revokedAt !== null)).toBe(true);
    await expectProblem(await confirmReset(token), 400, "invalid_reset_token");
  });

  it("spends the user's other outstanding reset tokens", async () => {
    const user = await createUser({ password: PASSWORD });
    const first = await insertResetToken(user.id);
    const second = await insertResetToken(user.id);
    expect((await confirmReset(second)).status).toBe(204);
    await expectProblem(await confirmReset(first), 400, "invalid_reset_token");
  });

  it("lets only one of two concurrent confirmations with the same token win", async () => {
    const user = await createUser({ password: PASSWORD });
    const token = await insertResetToken(user.id);
    const results = await Promise.all([
      confirmReset(token, "first-new-password"),
      confirmReset(token, "second-new-password"),
    ]);
    expect(results.map((res) => res.status).sort()).toEqual([204, 400]);
  });

  it("answers 400 invalid_reset_token for an expired token", async () => {
    const user = await createUser({ password: PASSWORD });
    const token = await insertResetToken(user.id, { expiresAt: new Date(Date.now() - 1000) });
    await expectProblem(await confirmReset(token), 400, "invalid_reset_token");
    expect((await login(user.email, PASSWORD)).status).toBe(200);
  });

  it("answers 400 invalid_reset_token for a used or unknown token", async () => {
    const user = await createUser({ password: PASSWORD });
    const used = await insertResetToken(user.id, { usedAt: new Date() });
    await expectProblem(await confirmReset(used), 400, "invalid_reset_token");
    await expectProblem(await confirmReset("never-issued-token"), 400, "invalid_reset_token");
  });

  it("answers 422 for a new password out of bounds", async () => {
    const user = await createUser({ password: PASSWORD });
    const token = await insertResetToken(user.id);
    await expectProblem(await confirmReset(token, "short"), 422, "validation_failed");
  });
});

describe("POST /api/v1/users/me/password", () => {
  function changePassword(token: string, body: unknown) {
    return api("/api/v1/users/me/password", { method: "POST", token, body });
  }

  it("changes the password, keeps the caller's session and revokes the others", async () => {
    const user = await createUser({ password: PASSWORD });
    const a = await loginAs(user);
    const b = await loginAs(user);
    const res = await changePassword(a.access_token, {
      current_password: PASSWORD,
      new_password: NEW_PASSWORD,
    });
    expect(res.status).toBe(204);
    await expectProblem(await refresh(b.refresh_token), 401, "invalid_refresh_token");
    const next = await refresh(a.refresh_token);
    expect(next.status).toBe(200);
    expect((await login(user.email, NEW_PASSWORD)).status).toBe(200);
    await expectProblem(await login(user.email, PASSWORD), 401, "invalid_credentials");

    // An access token from a refresh names the same session: it survives a second change too.
    const c = await loginAs({ email: user.email, password: NEW_PASSWORD });
    const refreshed = await json<{ access_token: string; refresh_token: string }>(next);
    const again = await changePassword(refreshed.access_token, {
      current_password: NEW_PASSWORD,
      new_password: PASSWORD,
    });
    expect(again.status).toBe(204);
    expect((await refresh(refreshed.refresh_token)).status).toBe(200);
    await expectProblem(await refresh(c.refresh_token), 401, "invalid_refresh_token");
  });

  it("revokes every session when the access token names none (minted before sessions were)", async () => {
    const user = await createUser({ password: PASSWORD });
    const a = await loginAs(user);
    const b = await loginAs(user);
    // The factory's token has no sid claim, like the tokens issued before it existed.
    const res = await changePassword(user.token, {
      current_password: PASSWORD,
      new_password: NEW_PASSWORD,
    });
    expect(res.status).toBe(204);
    await expectProblem(await refresh(a.refresh_token), 401, "invalid_refresh_token");
    await expectProblem(await refresh(b.refresh_token), 401, "invalid_refresh_token");
  });

  it("answers 400 invalid_password for a wrong current password and changes nothing", async () => {
    const user = await createUser({ password: PASSWORD });
    const session = await loginAs(user);
    const res = await changePassword(session.access_token, {
      current_password: "not-my-password",
      new_password: NEW_PASSWORD,
    });
    await expectProblem(res, 400, "invalid_password");
    expect((await refresh(session.refresh_token)).status).toBe(200);
  });

  it("needs a user (401) and a valid body (422)", async () => {
    const anonymous = await api("/api/v1/users/me/password", {
      method: "POST",
      body: { current_password: PASSWORD, new_password: NEW_PASSWORD },
    });
    await expectProblem(anonymous, 401, "unauthenticated");
    const user = await createUser({ password: PASSWORD });
    const res = await changePassword(user.token, { current_password: PASSWORD, new_password: "x" });
    await expectProblem(res, 422, "validation_failed");
  });
});
