import { env } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { orders } from "../../../src/domains/orders/orders.table";
import type {
  UserPageResponse as PageBody,
  UserResponse,
} from "../../../src/domains/users/users.schemas";
import { newId } from "../../../src/lib/ids";
import { expectProblem, refresh } from "../../helpers/auth";
import { createAdmin, createCustomer, createUser, loginAs, unique } from "../../helpers/factories";
import { api, json } from "../../helpers/http";

const MISSING_ID = "0190b5c2-7a1e-7cc3-9f4a-000000000000";

describe("admin routes refuse customers with 403", () => {
  it.each([
    ["GET", "/api/v1/users", undefined],
    ["GET", `/api/v1/users/${MISSING_ID}`, undefined],
    ["PATCH", `/api/v1/users/${MISSING_ID}`, { tier: "premium" }],
    ["DELETE", `/api/v1/users/${MISSING_ID}`, undefined],
  ])("%s %s", async (method, path, body) => {
    const customer = await createCustomer();
    const res = await api(path, { method, token: customer.token, body });
    await expectProblem(res, 403, "forbidden");
  });

  it("and anonymous callers with 401", async () => {
    await expectProblem(await api("/api/v1/users"), 401, "unauthenticated");
  });
});

describe("GET /api/v1/users", () => {
  it("lists newest first with filters and cursor pages linked by Link", async () => {
    const admin = await createAdmin();
    const marker = unique("list");
    const created: string[] = [];
    for (let i = 0; i < 3; i++) {
      created.push((await createUser({ tier: "premium", name: `${marker} ${i}` })).id);
    }
    await createUser({ tier: "standard", name: `${marker} std` });

    const query = `q=${encodeURIComponent(marker)}&tier=premium&limit=2`;
    const first = await api(`/api/v1/users?${query}`, { token: admin.token });
    expect(first.status).toBe(200);
    const page1 = await json<PageBody>(first);
    expect(page1.items.map((u) => u.id)).toEqual([created[2], created[1]]);
    expect(page1.next_cursor).toEqual(expect.any(String));
    const link = first.headers.get("Link") ?? "";
    expect(link).toMatch(/^<\/api\/v1\/users\?.*cursor=.*>; rel="next"$/);

    const next = link.slice(1, link.indexOf(">"));
    const second = await api(next, { token: admin.token });
    const page2 = await json<PageBody>(second);
    expect(page2.items.map((u) => u.id)).toEqual([created[0]]);
    expect(page2.next_cursor).toBeNull();
    expect(second.headers.get("Link")).toBeNull();
  });

  it("filters by role and is_active, and matches q in emails", async () => {
    const admin = await createAdmin();
    const active = await createUser({ email: `${unique("needle")}@example.com` });
    const inactive = await createUser({ isActive: false, email: `${unique("needle")}@ex.com` });
    const q = active.email.slice(0, active.email.indexOf("-"));

    const deactivated = await json<PageBody>(
      await api(`/api/v1/users?q=${q}&is_active=false&limit=100`, { token: admin.token }),
    );
    expect(deactivated.items.map((u) => u.id)).toContain(inactive.id);
    expect(deactivated.items.every((u) => !u.is_active)).toBe(true);

    const admins = await json<PageBody>(
      await api("/api/v1/users?role=admin&limit=100", { token: admin.token }),
    );
    expect(admins.items.every((u) => u.role === "admin")).toBe(true);
    expect(admins.items.map((u) => u.id)).toContain(admin.id);
  });

  it("treats LIKE wildcards in q literally", async () => {
    const admin = await createAdmin();
    const res = await api(`/api/v1/users?q=${encodeURIComponent("%")}`, { token: admin.token });
    expect((await json<PageBody>(res)).items).toEqual([]);
  });

  it.each([
    ["limit=0", "validation_failed"],
    ["limit=101", "validation_failed"],
    ["role=owner", "validation_failed"],
    ["is_active=maybe", "validation_failed"],
    ["cursor=not-a-cursor", "invalid_cursor"],
  ])("answers 422 for %s", async (query, code) => {
    const admin = await createAdmin();
    await expectProblem(await api(`/api/v1/users?${query}`, { token: admin.token }), 422, code);
  });
});

describe("GET /api/v1/users/{user_id}", () => {
  it("answers the User, 404 user_not_found, 422 for a malformed id", async () => {
    const admin = await createAdmin();
    const user = await createCustomer();
    const found = await api(`/api/v1/users/${user.id}`, { token: admin.token });
    expect(found.status).toBe(200);
    expect((await json<UserResponse>(found)).email).toBe(user.email);
    const missing = await api(`/api/v1/users/${MISSING_ID}`, { token: admin.token });
    await expectProblem(missing, 404, "user_not_found");
    await expectProblem(
      await api("/api/v1/users/not-a-uuid", { token: admin.token }),
      422,
      "validation_failed",
    );
  });
});

describe("PATCH /api/v1/users/{user_id}", () => {
  function patchUser(token: string, id: string, body: unknown) {
    return api(`/api/v1/users/${id}`, { method: "PATCH", token, body });
  }

  it("changes role and tier; the new role applies to the user's next request", async () => {
    const admin = await createAdmin();
    const user = await createCustomer();
    const res = await patchUser(admin.token, user.id, { role: "admin", tier: "premium" });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({ role: "admin", tier: "premium" });
    // The token still says customer, but the user is re-read on every request.
    expect((await api("/api/v1/users", { token: user.token })).status).toBe(200);
  });

  it("deactivating stops the user's access and refresh tokens at once", async () => {
    const admin = await createAdmin();
    const user = await createUser({ password: "correct-horse-battery" });
    const session = await loginAs(user);
    const res = await patchUser(admin.token, user.id, { is_active: false });
    expect(res.status).toBe(200);
    expect((await json<UserResponse>(res)).is_active).toBe(false);
    await expectProblem(
      await api("/api/v1/users/me", { token: session.access_token }),
      401,
      "invalid_token",
    );
    await expectProblem(await refresh(session.refresh_token), 401, "invalid_refresh_token");
  });

  it("refuses an admin demoting or deactivating itself with 409", async () => {
    const admin = await createAdmin();
    await expectProblem(
      await patchUser(admin.token, admin.id, { role: "customer" }),
      409,
      "cannot_lock_self_out",
    );
    await expectProblem(
      await patchUser(admin.token, admin.id, { is_active: false }),
      409,
      "cannot_lock_self_out",
    );
    expect((await patchUser(admin.token, admin.id, { name: "Root" })).status).toBe(200);
  });

  it("answers 404 for an unknown user and 422 for unknown fields or values", async () => {
    const admin = await createAdmin();
    const user = await createCustomer();
    await expectProblem(
      await patchUser(admin.token, MISSING_ID, { tier: "premium" }),
      404,
      "user_not_found",
    );
    await expectProblem(
      await patchUser(admin.token, user.id, { email: "x@example.com" }),
      422,
      "validation_failed",
    );
    await expectProblem(
      await patchUser(admin.token, user.id, { tier: "gold" }),
      422,
      "validation_failed",
    );
  });
});

describe("DELETE /api/v1/users/{user_id}", () => {
  function deleteUser(token: string, id: string) {
    return api(`/api/v1/users/${id}`, { method: "DELETE", token });
  }

  it("deletes the user (204), whose token then stops working; again is 404", async () => {
    const admin = await createAdmin();
    const user = await createCustomer();
    expect((await deleteUser(admin.token, user.id)).status).toBe(204);
    await expectProblem(await api("/api/v1/users/me", { token: user.token }), 401, "invalid_token");
    await expectProblem(await deleteUser(admin.token, user.id), 404, "user_not_found");
  });

  it("refuses an admin deleting itself with 409 cannot_delete_self", async () => {
    const admin = await createAdmin();
    await expectProblem(await deleteUser(admin.token, admin.id), 409, "cannot_delete_self");
  });

  it("refuses deleting a user with orders with 409 user_has_orders", async () => {
    const admin = await createAdmin();
    const user = await createCustomer();
    const now = new Date().toISOString();
    await drizzle(env.DB).insert(orders).values({
      id: newId(),
      userId: user.id,
      status: "placed",
      subtotalCents: 0,
      discountCents: 0,
      totalCents: 0,
      currency: "USD",
      createdAt: now,
      updatedAt: now,
    });
    await expectProblem(await deleteUser(admin.token, user.id), 409, "user_has_orders");
    expect((await api(`/api/v1/users/${user.id}`, { token: admin.token })).status).toBe(200);
  });
});
