import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { refreshTokens } from "../../../src/domains/auth/auth.table";
import { SESSION_MAX_AGE_SECONDS } from "../../../src/domains/auth/auth.values";
import { db, expectProblem, insertResetToken, refresh, refreshTokensOf } from "../../helpers/auth";
import { createAdmin, createUser, loginAs } from "../../helpers/factories";
import { api, json } from "../../helpers/http";
import { stockOf } from "../../helpers/orders";
import { createProduct } from "../../helpers/products";

const PASSWORD = "correct-horse-battery";

type Pair = { access_token: string; refresh_token: string };

const me = (token: string) => api("/api/v1/users/me", { token });

async function refusedAsRevoked(token: string) {
  const body = await expectProblem(await me(token), 401, "invalid_token");
  expect(body.detail).toContain("session");
}

describe("an access token whose session was revoked is refused from the next request on", () => {
  it("after logout", async () => {
    const user = await createUser({ password: PASSWORD });
    const pair = await loginAs(user);
    expect((await me(pair.access_token)).status).toBe(200);
    const logout = await api("/api/v1/auth/logout", {
      method: "POST",
      body: { refresh_token: pair.refresh_token },
    });
    expect(logout.status).toBe(204);
    await refusedAsRevoked(pair.access_token);
  });

  it("after refresh token reuse: every access token of that family", async () => {
    const user = await createUser({ password: PASSWORD });
    const pair = await loginAs(user);
    const next = await json<Pair>(await refresh(pair.refresh_token));
    const other = await loginAs(user);
    await expectProblem(await refresh(pair.refresh_token), 401, "refresh_token_reused");
    await refusedAsRevoked(pair.access_token);
    await refusedAsRevoked(next.access_token);
    expect((await me(other.access_token)).status).toBe(200);
  });

  it("after a password reset: every session", async () => {
    const user = await createUser({ password: PASSWORD });
    const pair = await loginAs(user);
    const token = await insertResetToken(user.id);
    const confirm = await api("/api/v1/auth/password-reset/confirm", {
      method: "POST",
      body: { token, new_password: "a-brand-new-password" },
    });
    expect(confirm.status).toBe(204);
    await refusedAsRevoked(pair.access_token);
  });

  it("after a password change: the other sessions, not the caller's", async () => {
    const user = await createUser({ password: PASSWORD });
    const mine = await loginAs(user);
    const other = await loginAs(user);
    const change = await api("/api/v1/users/me/password", {
      method: "POST",
      token: mine.access_token,
      body: { current_password: PASSWORD, new_password: "a-brand-new-password" },
    });
    expect(change.status).toBe(204);
    expect((await me(mine.access_token)).status).toBe(200);
    await refusedAsRevoked(other.access_token);
  });

  it("on writes as well as reads: a revoked session cannot place an order", async () => {
    const user = await createUser({ password: PASSWORD });
    const product = await createProduct({ stock: 5 });
    const pair = await loginAs(user);
    await api("/api/v1/auth/logout", {
      method: "POST",
      body: { refresh_token: pair.refresh_token },
    });
    const order = await api("/api/v1/orders", {
      method: "POST",
      token: pair.access_token,
      body: { items: [{ product_id: product.id, quantity: 1 }] },
    });
    await expectProblem(order, 401, "invalid_token");
    expect(await stockOf(product.id)).toBe(5);
  });

  it("after deactivation by an admin", async () => {
    const user = await createUser({ password: PASSWORD });
    const admin = await createAdmin();
    const pair = await loginAs(user);
    const patch = await api(`/api/v1/users/${user.id}`, {
      method: "PATCH",
      token: admin.token,
      body: { is_active: false },
    });
    expect(patch.status).toBe(200);
    await expectProblem(await me(pair.access_token), 401, "invalid_token");
  });

  it("after the account erased itself", async () => {
    const user = await createUser({ password: PASSWORD });
    const pair = await loginAs(user);
    const erase = await api("/api/v1/users/me", {
      method: "DELETE",
      token: pair.access_token,
      body: { password: PASSWORD },
    });
    expect(erase.status).toBe(204);
    await expectProblem(await me(pair.access_token), 401, "invalid_token");
  });

  it("a live session keeps working, refreshed or not", async () => {
    const user = await createUser({ password: PASSWORD });
    const pair = await loginAs(user);
    const next = await json<Pair>(await refresh(pair.refresh_token));
    expect((await me(pair.access_token)).status).toBe(200);
    expect((await me(next.access_token)).status).toBe(200);
  });
});

describe("a login's refresh family ends 90 days after the login", () => {
  it("is stored with the login and inherited by every refresh", async () => {
    const user = await createUser({ password: PASSWORD });
    const before = Date.now();
    const pair = await loginAs(user);
    const [first] = await refreshTokensOf(user.id);
    const end = Date.parse(first?.familyExpiresAt ?? "");
    expect(end).toBeGreaterThanOrEqual(before + SESSION_MAX_AGE_SECONDS * 1000);
    expect(end).toBeLessThanOrEqual(Date.now() + SESSION_MAX_AGE_SECONDS * 1000);
    await refresh(pair.refresh_token);
    const rows = await refreshTokensOf(user.id);
    expect(rows).toHaveLength(2);
    expect(new Set(rows.map((row) => row.familyExpiresAt)).size).toBe(1);
  });

  it("refuses to refresh once the family has ended (401 invalid_refresh_token)", async () => {
    const user = await createUser({ password: PASSWORD });
    const pair = await loginAs(user);
    const next = await json<Pair>(await refresh(pair.refresh_token));
    // The login was 90 days ago; the latest token alone would still live for weeks.
    await db()
      .update(refreshTokens)
      .set({ familyExpiresAt: new Date(Date.now() - 1000).toISOString() })
      .where(eq(refreshTokens.userId, user.id));
    await expectProblem(await refresh(next.refresh_token), 401, "invalid_refresh_token");
    expect((await refreshTokensOf(user.id)).length).toBe(2);
  });
});
