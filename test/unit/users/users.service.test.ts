import { describe, expect, it } from "vitest";
import type { Statement } from "../../../src/db/unit-of-work";
import { UsersService } from "../../../src/domains/users/users.service";
import { AppError } from "../../../src/lib/errors";
import { FakeClock } from "../../fakes/clock";
import { FakeUnitOfWork, labelledStatement } from "../../fakes/unit-of-work";
import { FakeUsersRepository } from "../../fakes/users";

class FakeSessions {
  readonly revoked: string[] = [];
  revokeAllForUser(userId: string): Statement {
    return labelledStatement("sessions.revoke_user", () => {
      this.revoked.push(userId);
      return 1;
    });
  }
}

function setup() {
  const repo = new FakeUsersRepository();
  const uow = new FakeUnitOfWork();
  const sessions = new FakeSessions();
  const clock = new FakeClock();
  const users = new UsersService(repo, uow, sessions, clock);
  const admin = repo.add({ id: "admin-1", email: "root@example.com", role: "admin" });
  const customer = repo.add({ id: "cust-1", email: "cust@example.com" });
  return { repo, uow, sessions, clock, users, admin, customer };
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(AppError);
  return (error as AppError).code;
}

describe("UsersService.adminUpdate", () => {
  it("changes role and tier and stamps updated_at", async () => {
    const { users, clock } = setup();
    const updated = await users.adminUpdate("admin-1", "cust-1", {
      role: "admin",
      tier: "premium",
    });
    expect(updated).toMatchObject({ role: "admin", tier: "premium" });
    expect(updated.updatedAt).toBe(clock.now().toISOString());
  });

  it("revokes every session in the same batch when deactivating", async () => {
    const { users, uow, sessions } = setup();
    await users.adminUpdate("admin-1", "cust-1", { isActive: false });
    expect(uow.commits).toEqual([["users.update:isActive,updatedAt", "sessions.revoke_user"]]);
    expect(sessions.revoked).toEqual(["cust-1"]);
  });

  it("does not revoke sessions for other changes, or re-deactivating", async () => {
    const { users, repo, sessions } = setup();
    await users.adminUpdate("admin-1", "cust-1", { tier: "premium", isActive: true });
    repo.add({ id: "off", email: "off@example.com", isActive: false });
    await users.adminUpdate("admin-1", "off", { isActive: false });
    expect(sessions.revoked).toEqual([]);
  });

  it("refuses an admin demoting or deactivating itself", async () => {
    const { users, uow } = setup();
    expect(await codeOf(users.adminUpdate("admin-1", "admin-1", { role: "customer" }))).toBe(
      "cannot_lock_self_out",
    );
    expect(await codeOf(users.adminUpdate("admin-1", "admin-1", { isActive: false }))).toBe(
      "cannot_lock_self_out",
    );
    expect(uow.commits).toEqual([]);
    await expect(users.adminUpdate("admin-1", "admin-1", { name: "Root" })).resolves.toMatchObject({
      name: "Root",
      role: "admin",
    });
  });

  it("answers user_not_found for an unknown id and writes nothing for an empty patch", async () => {
    const { users, uow } = setup();
    expect(await codeOf(users.adminUpdate("admin-1", "missing", { tier: "premium" }))).toBe(
      "user_not_found",
    );
    await users.adminUpdate("admin-1", "cust-1", {});
    expect(uow.commits).toEqual([]);
  });
});

describe("UsersService.delete", () => {
  it("deletes another user", async () => {
    const { users, repo } = setup();
    await users.delete("admin-1", "cust-1");
    expect(repo.rows.has("cust-1")).toBe(false);
  });

  it("refuses self-deletion, unknown users and users with orders", async () => {
    const { users, repo } = setup();
    expect(await codeOf(users.delete("admin-1", "admin-1"))).toBe("cannot_delete_self");
    expect(await codeOf(users.delete("admin-1", "missing"))).toBe("user_not_found");
    repo.referenced.add("cust-1");
    expect(await codeOf(users.delete("admin-1", "cust-1"))).toBe("user_has_orders");
  });
});

describe("UsersService.create and updateProfile", () => {
  it("creates customers with lower-cased emails; a duplicate is email_taken", async () => {
    const { users } = setup();
    const user = await users.create({ email: "New@Example.com", name: "N", passwordHash: "h" });
    expect(user).toMatchObject({ email: "new@example.com", role: "customer", isActive: true });
    expect(
      await codeOf(users.create({ email: "NEW@example.com", name: "N", passwordHash: "h" })),
    ).toBe("email_taken");
  });

  it("updates only the name", async () => {
    const { users, uow } = setup();
    const user = await users.updateProfile("cust-1", { name: "Renamed" });
    expect(user).toMatchObject({ name: "Renamed", role: "customer" });
    expect(uow.commits).toEqual([["users.update:name,updatedAt"]]);
  });
});

describe("UsersService.list", () => {
  it("pages newest first with a cursor for the next page", async () => {
    const { users, repo } = setup();
    for (let i = 0; i < 3; i++) {
      repo.add({
        id: `u${i}`,
        email: `u${i}@example.com`,
        createdAt: `2026-11-2${i}T00:00:00.000Z`,
      });
    }
    const page = await users.list({}, { limit: 2 });
    expect(page.items.map((user) => user.id)).toEqual(["u2", "u1"]);
    expect(page.nextCursor).toEqual(expect.any(String));
    expect(page.items[0]).not.toHaveProperty("passwordHash");
  });
});

describe("UsersService.erase", () => {
  function erasable() {
    const ctx = setup();
    const uow = new FakeUnitOfWork([ctx.repo]);
    const users = new UsersService(ctx.repo, uow, ctx.sessions, ctx.clock);
    return { ...ctx, uow, users };
  }

  it("deletes an account without orders", async () => {
    const { users, repo } = erasable();
    await users.erase("cust-1");
    expect(repo.rows.has("cust-1")).toBe(false);
  });

  it("anonymises and deactivates an account with orders, revoking its sessions in the same batch", async () => {
    const { users, repo, uow, sessions } = erasable();
    repo.referenced.add("cust-1");
    await users.erase("cust-1");
    expect(repo.rows.get("cust-1")).toMatchObject({
      email: "deleted-cust-1@deleted.invalid",
      name: "Deleted user",
      passwordHash: "erased",
      isActive: false,
    });
    expect(uow.commits.at(-1)).toEqual([
      "users.guard_last_admin",
      "users.update:email,isActive,name,passwordHash,updatedAt",
      "sessions.revoke_user",
    ]);
    expect(sessions.revoked).toEqual(["cust-1"]);
  });

  it("refuses to erase the last active admin (409 last_active_admin), changing nothing", async () => {
    const { users, repo } = erasable();
    const before = structuredClone(repo.rows.get("admin-1"));
    expect(await codeOf(users.erase("admin-1"))).toBe("last_active_admin");
    expect(repo.rows.get("admin-1")).toEqual(before);
  });

  it("erases an admin when another active admin remains", async () => {
    const { users, repo } = erasable();
    repo.add({ id: "admin-2", email: "two@example.com", role: "admin" });
    await users.erase("admin-1");
    expect(repo.rows.has("admin-1")).toBe(false);
    // The one left is now the last: it cannot go.
    expect(await codeOf(users.erase("admin-2"))).toBe("last_active_admin");
  });

  it("an inactive admin does not count as the other admin", async () => {
    const { users, repo } = erasable();
    repo.add({ id: "admin-2", email: "two@example.com", role: "admin", isActive: false });
    expect(await codeOf(users.erase("admin-1"))).toBe("last_active_admin");
  });
});
