import { describe, expect, it } from "vitest";
import { expectProblem } from "../../helpers/auth";
import { createUser } from "../../helpers/factories";
import { api, json } from "../../helpers/http";

describe("GET /api/v1/users/me", () => {
  it("answers the caller's User, private and without a hash", async () => {
    const user = await createUser({ tier: "premium" });
    const res = await api("/api/v1/users/me", { token: user.token });
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const body = await json(res);
    expect(body).toEqual({
      id: user.id,
      email: user.email,
      name: "Test User",
      role: "customer",
      tier: "premium",
      is_active: true,
      created_at: expect.any(String),
      updated_at: expect.any(String),
    });
  });

  it("answers 401 without a token", async () => {
    await expectProblem(await api("/api/v1/users/me"), 401, "unauthenticated");
  });
});

describe("PATCH /api/v1/users/me", () => {
  function patchMe(token: string, body: unknown) {
    return api("/api/v1/users/me", { method: "PATCH", token, body });
  }

  it("updates the name", async () => {
    const user = await createUser();
    const res = await patchMe(user.token, { name: "  Grace Hopper " });
    expect(res.status).toBe(200);
    const body = await json<{ name: string; updated_at: string; created_at: string }>(res);
    expect(body.name).toBe("Grace Hopper");
    const again = await json(await api("/api/v1/users/me", { token: user.token }));
    expect(again.name).toBe("Grace Hopper");
  });

  it.each([
    ["role", "admin"],
    ["tier", "premium"],
    ["email", "other@example.com"],
    ["is_active", false],
  ])("refuses %s with 422 and changes nothing", async (field, value) => {
    const user = await createUser();
    const res = await patchMe(user.token, { name: "Mallory", [field]: value });
    const problem = await expectProblem(res, 422, "validation_failed");
    expect(problem.errors).toEqual([expect.objectContaining({ path: field })]);
    const me = await json(await api("/api/v1/users/me", { token: user.token }));
    expect(me).toMatchObject({ name: "Test User", role: "customer", tier: "standard" });
  });

  it("answers 422 for an empty name", async () => {
    const user = await createUser();
    await expectProblem(await patchMe(user.token, { name: "   " }), 422, "validation_failed");
  });

  it("answers 422 for a name with a line break or a bidi override, naming the field", async () => {
    const user = await createUser();
    for (const name of ["Ada\nVisit https://evil.example", "Ada\u202Eexe.pdf"]) {
      const body = await expectProblem(
        await patchMe(user.token, { name }),
        422,
        "validation_failed",
      );
      expect(body.errors).toEqual([expect.objectContaining({ path: "name" })]);
    }
    const me = await json(await api("/api/v1/users/me", { token: user.token }));
    expect(me).toMatchObject({ name: "Test User" });
  });
});
