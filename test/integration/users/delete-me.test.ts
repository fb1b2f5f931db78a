import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { users } from "../../../src/domains/users/users.table";
import { db, expectProblem, login, refresh, refreshTokensOf } from "../../helpers/auth";
import { createAdmin, createUser, loginAs } from "../../helpers/factories";
import { api } from "../../helpers/http";
import { placed } from "../../helpers/orders";
import { createProduct } from "../../helpers/products";

const PASSWORD = "correct-horse-battery";

function deleteMe(token: string, body: unknown) {
  return api("/api/v1/users/me", { method: "DELETE", token, body });
}

const rowOf = async (id: string) =>
  (await db().select().from(users).where(eq(users.id, id)))[0] ?? null;

describe("DELETE /api/v1/users/me", () => {
  it("erases an account without orders: 204, the row and its sessions are gone", async () => {
    const user = await createUser({ password: PASSWORD });
    const pair = await loginAs(user);
    const res = await deleteMe(pair.access_token, { password: PASSWORD });
    expect(res.status).toBe(204);
    expect(await rowOf(user.id)).toBeNull();
    expect(await refreshTokensOf(user.id)).toEqual([]);
    await expectProblem(
      await api("/api/v1/users/me", { token: pair.access_token }),
      401,
      "invalid_token",
    );
    await expectProblem(await refresh(pair.refresh_token), 401, "invalid_refresh_token");
    await expectProblem(await login(user.email, PASSWORD), 401, "invalid_credentials");
  });

  it("keeps the orders of an account that has some: anonymised, deactivated, sessions revoked", async () => {
    const user = await createUser({ password: PASSWORD });
    const pair = await loginAs(user);
    const product = await createProduct({ stock: 5 });
    const order = await placed(pair.access_token, [{ product_id: product.id, quantity: 1 }]);
    expect((await deleteMe(pair.access_token, { password: PASSWORD })).status).toBe(204);

    const row = await rowOf(user.id);
    expect(row).toMatchObject({ isActive: false, name: "Deleted user" });
    expect(row?.email).not.toContain(user.email.split("@")[0]);
    expect(row?.email).toBe(`deleted-${user.id}@deleted.invalid`);
    const tokens = await refreshTokensOf(user.id);
    expect(tokens.every((token) => token.revokedAt !== null)).toBe(true);
    await expectProblem(await login(user.email, PASSWORD), 401, "invalid_credentials");

    const admin = await createAdmin();
    const kept = await api(`/api/v1/orders/${order.id}`, { token: admin.token });
    expect(kept.status).toBe(200);
  });

  it("answers 400 invalid_password for a wrong password and erases nothing", async () => {
    const user = await createUser({ password: PASSWORD });
    await expectProblem(
      await deleteMe(user.token, { password: "not-my-password" }),
      400,
      "invalid_password",
    );
    expect(await rowOf(user.id)).not.toBeNull();
  });

  it("answers 422 without a password (it is not taken for DELETE /users/{user_id})", async () => {
    const user = await createUser({ password: PASSWORD });
    const body = await expectProblem(await deleteMe(user.token, {}), 422, "validation_failed");
    expect(body.errors).toEqual([expect.objectContaining({ path: "password" })]);
  });

  it("the last active admin cannot delete itself (409); with another admin it can", async () => {
    // Every other admin of this file's database is deactivated first: the rule counts them.
    await env.DB.prepare("UPDATE users SET is_active = 0 WHERE role = 'admin'").run();
    const first = await createUser({ role: "admin", password: PASSWORD });
    await expectProblem(
      await deleteMe(first.token, { password: PASSWORD }),
      409,
      "last_active_admin",
    );
    expect(await rowOf(first.id)).not.toBeNull();
    await createUser({ role: "admin" });
    expect((await deleteMe(first.token, { password: PASSWORD })).status).toBe(204);
  });
});
