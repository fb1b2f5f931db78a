import { exports } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import {
  MAX_WORKERS_PBKDF2_ITERATIONS,
  storedIterations,
} from "../../../src/domains/auth/passwords";
import { users } from "../../../src/domains/users/users.table";
import { db, expectProblem, login } from "../../helpers/auth";
import { createUser, unique, uniqueIp } from "../../helpers/factories";
import { api, BASE, json } from "../../helpers/http";

const PASSWORD = "correct-horse-battery";

/** From a fresh client IP: registrations are limited per IP. */
function register(body: unknown) {
  return api("/api/v1/auth/register", {
    method: "POST",
    body,
    headers: { "CF-Connecting-IP": uniqueIp() },
  });
}

describe("POST /api/v1/auth/register", () => {
  it("creates a customer and answers 201 with the User, never the hash", async () => {
    const email = `${unique("Reg")}@Example.com`;
    const res = await register({ email, password: PASSWORD, name: "Ada" });
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(Object.keys(body).sort()).toEqual(
      ["created_at", "email", "id", "is_active", "name", "role", "tier", "updated_at"].sort(),
    );
    expect(body).toMatchObject({
      email: email.toLowerCase(),
      name: "Ada",
      role: "customer",
      tier: "standard",
      is_active: true,
    });
  });

  it("stores a PBKDF2 hash within the production Workers iteration limit", async () => {
    const email = `${unique("iter")}@example.com`;
    expect((await register({ email, password: PASSWORD, name: "Ada" })).status).toBe(201);
    const [row] = await db().select().from(users).where(eq(users.email, email));
    const iterations = storedIterations(row?.passwordHash ?? "");
    expect(iterations).not.toBeNull();
    expect(iterations).toBeLessThanOrEqual(MAX_WORKERS_PBKDF2_ITERATIONS);
    expect(row?.passwordHash).not.toContain(PASSWORD);
  });

  it("answers 409 email_taken for an existing email, whatever its case", async () => {
    const email = `${unique("dup")}@example.com`;
    expect((await register({ email, password: PASSWORD, name: "Ada" })).status).toBe(201);
    const res = await register({ email: email.toUpperCase(), password: PASSWORD, name: "Eve" });
    await expectProblem(res, 409, "email_taken");
  });

  it.each([
    ["role", { role: "admin" }],
    ["tier", { tier: "premium" }],
    ["is_active", { is_active: false }],
  ])("refuses a privileged field (%s) with 422", async (field, extra) => {
    const res = await register({
      email: `${unique("mass")}@example.com`,
      password: PASSWORD,
      name: "Mallory",
      ...extra,
    });
    const body = await expectProblem(res, 422, "validation_failed");
    expect(body.errors).toEqual([expect.objectContaining({ path: field })]);
  });

  it("refuses a name with control characters with 422", async () => {
    const res = await register({
      email: `${unique("ctl")}@example.com`,
      password: PASSWORD,
      name: "Ada\r\nBcc: everyone@example.com",
    });
    const body = await expectProblem(res, 422, "validation_failed");
    expect(body.errors).toEqual([expect.objectContaining({ path: "name" })]);
  });

  it.each([
    ["too short", "short"],
    ["too long", "x".repeat(129)],
  ])("refuses a password %s with 422", async (_, password) => {
    const res = await register({ email: `${unique("pw")}@example.com`, password, name: "A" });
    const body = await expectProblem(res, 422, "validation_failed");
    expect(body.errors).toEqual([expect.objectContaining({ path: "password" })]);
  });
});

describe("POST /api/v1/auth/login", () => {
  it("logs in with JSON and the access token opens a protected route", async () => {
    const user = await createUser({ password: PASSWORD });
    const res = await login(user.email.toUpperCase(), PASSWORD);
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const pair = await json<{ access_token: string; refresh_token: string }>(res);
    expect(pair).toMatchObject({ token_type: "bearer", expires_in: 900 });
    expect(pair.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const me = await api("/api/v1/users/me", { token: pair.access_token });
    expect(me.status).toBe(200);
    expect(await json(me)).toMatchObject({ id: user.id, email: user.email });
  });

  it("logs in with the OAuth2 password form the docs page sends", async () => {
    const user = await createUser({ password: PASSWORD });
    const form = new URLSearchParams({
      grant_type: "password",
      username: user.email,
      password: PASSWORD,
      scope: "",
    });
    const res = await api("/api/v1/auth/login", {
      method: "POST",
      body: form.toString(),
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        "CF-Connecting-IP": uniqueIp(),
      },
    });
    expect(res.status).toBe(200);
    const pair = await json<{ access_token: string }>(res);
    expect((await api("/api/v1/users/me", { token: pair.access_token })).status).toBe(200);
  });

  describe("with a multipart form (curl -F), declared beside the urlencoded one", () => {
    /** The runtime sets `multipart/form-data; boundary=...` for a FormData body. */
    function multipartLogin(fields: Record<string, string>): Promise<Response> {
      const form = new FormData();
      for (const [name, value] of Object.entries(fields)) form.append(name, value);
      return exports.default.fetch(
        new Request(`${BASE}/api/v1/auth/login`, {
          method: "POST",
          body: form,
          headers: { "CF-Connecting-IP": uniqueIp() },
        }),
      );
    }

    it("logs in like the urlencoded form", async () => {
      const user = await createUser({ password: PASSWORD });
      const res = await multipartLogin({ username: user.email, password: PASSWORD });
      expect(res.status).toBe(200);
      const pair = await json<{ access_token: string }>(res);
      expect((await api("/api/v1/users/me", { token: pair.access_token })).status).toBe(200);
    });

    it("answers 401 invalid_credentials for a wrong password or an unknown email", async () => {
      const user = await createUser({ password: PASSWORD });
      await expectProblem(
        await multipartLogin({ username: user.email, password: "not-the-password" }),
        401,
        "invalid_credentials",
      );
      await expectProblem(
        await multipartLogin({ username: `${unique("nobody")}@example.com`, password: PASSWORD }),
        401,
        "invalid_credentials",
      );
    });

    it("answers 422 for JSON field names or a missing username, never 500", async () => {
      await expectProblem(
        await multipartLogin({ email: "a@example.com", password: "x" }),
        422,
        "validation_failed",
      );
      await expectProblem(await multipartLogin({ password: "x" }), 422, "validation_failed");
    });
  });

  it("answers the same 401 invalid_credentials for an unknown email and a wrong password", async () => {
    const user = await createUser({ password: PASSWORD });
    const wrong = await expectProblem(
      await login(user.email, "not-the-password"),
      401,
      "invalid_credentials",
    );
    const unknown = await expectProblem(
      await login(`${unique("nobody")}@example.com`, PASSWORD),
      401,
      "invalid_credentials",
    );
    const { instance: _a, ...wrongBody } = wrong;
    const { instance: _b, ...unknownBody } = unknown;
    expect(wrongBody).toEqual(unknownBody);
  });

  it("answers 401 with WWW-Authenticate for a user without a usable password", async () => {
    const user = await createUser();
    const res = await login(user.email, "anything-at-all");
    expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
    await expectProblem(res, 401, "invalid_credentials");
  });

  it("answers 403 account_disabled for a deactivated account with the right password", async () => {
    const user = await createUser({ password: PASSWORD, isActive: false });
    await expectProblem(await login(user.email, PASSWORD), 403, "account_disabled");
    await expectProblem(await login(user.email, "wrong-password"), 401, "invalid_credentials");
  });

  it("answers 415 for a body in another media type or none", async () => {
    const text = await api("/api/v1/auth/login", {
      method: "POST",
      body: "email=a",
      headers: { "Content-Type": "text/plain" },
    });
    await expectProblem(text, 415, "unsupported_media_type");
    const none = await api("/api/v1/auth/login", { method: "POST" });
    await expectProblem(none, 415, "unsupported_media_type");
  });

  it("answers 422 for unknown fields in either form", async () => {
    const jsonRes = await api("/api/v1/auth/login", {
      method: "POST",
      body: { email: "a@example.com", password: "x", role: "admin" },
    });
    await expectProblem(jsonRes, 422, "validation_failed");
    const formRes = await api("/api/v1/auth/login", {
      method: "POST",
      body: "username=a%40example.com&password=x&role=admin",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
    await expectProblem(formRes, 422, "validation_failed");
  });

  it("allows 5 attempts per email per minute, then 429 with Retry-After", async () => {
    const user = await createUser({ password: PASSWORD });
    for (let attempt = 1; attempt <= 5; attempt++) {
      expect((await login(user.email, "wrong-password")).status).toBe(401);
    }
    const limited = await login(user.email, PASSWORD);
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(0);
    await expectProblem(limited, 429, "rate_limited");
  });

  it("allows 20 attempts per client IP per minute, then 429 with Retry-After", async () => {
    const ip = uniqueIp();
    for (let attempt = 1; attempt <= 20; attempt++) {
      const res = await login(`${unique("ip")}@example.com`, "whatever-password", ip);
      expect(res.status).toBe(401);
    }
    const limited = await login(`${unique("ip")}@example.com`, "whatever-password", ip);
    expect(limited.headers.get("Retry-After")).toBe("60");
    await expectProblem(limited, 429, "rate_limited");
    // Another client is not affected.
    expect((await login(`${unique("ip")}@example.com`, "whatever-password")).status).toBe(401);
  });
});

describe("a form body that does not parse", () => {
  it("is a 400 malformed_body, not a JSON complaint", async () => {
    const res = await api("/api/v1/auth/login", {
      method: "POST",
      body: "--x\r\nnot a part",
      headers: {
        "Content-Type": "multipart/form-data; boundary=y",
        "CF-Connecting-IP": "10.9.9.9",
      },
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: "malformed_body" });
  });
});
