import { env } from "cloudflare:workers";
import { decodeJwt, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import type { TokenPairResponse as Pair } from "../../../src/domains/auth/auth.schemas";
import { expectProblem, refresh, refreshTokensOf } from "../../helpers/auth";
import { accessTokens, createUser, loginAs } from "../../helpers/factories";
import { api, json } from "../../helpers/http";

const PASSWORD = "correct-horse-battery";

async function loggedInUser() {
  const user = await createUser({ password: PASSWORD });
  return { user, pair: await loginAs(user) };
}

function me(authorization?: string) {
  return api("/api/v1/users/me", {
    headers: authorization === undefined ? {} : { Authorization: authorization },
  });
}

function base64url(value: unknown): string {
  return btoa(JSON.stringify(value)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function claimsFor(userId: string, role = "customer") {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub: userId,
    role,
    iss: env.JWT_ISSUER,
    aud: env.JWT_AUDIENCE,
    iat: now,
    exp: now + 900,
    jti: crypto.randomUUID(),
  };
}

function sign(claims: Record<string, unknown>, secret: string, typ = "at+jwt") {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256", typ })
    .sign(new TextEncoder().encode(secret));
}

describe("POST /api/v1/auth/refresh", () => {
  it("rotates: a new pair works and the old refresh token stops working", async () => {
    const { pair } = await loggedInUser();
    const res = await refresh(pair.refresh_token);
    expect(res.status).toBe(200);
    const next = await json<Pair>(res);
    expect(next.refresh_token).not.toBe(pair.refresh_token);
    expect((await me(`Bearer ${next.access_token}`)).status).toBe(200);
    expect((await refresh(next.refresh_token)).status).toBe(200);
  });

  it("revokes the whole family when a used token is presented again (401 refresh_token_reused)", async () => {
    const { user, pair } = await loggedInUser();
    const next = await json<Pair>(await refresh(pair.refresh_token));
    await expectProblem(await refresh(pair.refresh_token), 401, "refresh_token_reused");
    // The legitimate successor is revoked with its family.
    await expectProblem(await refresh(next.refresh_token), 401, "invalid_refresh_token");
    const rows = await refreshTokensOf(user.id);
    expect(rows.every((row) => row.revokedAt !== null)).toBe(true);
  });

  it("only revokes the family of the reused token, not the user's other logins", async () => {
    const user = await createUser({ password: PASSWORD });
    const first = await loginAs(user);
    const second = await loginAs(user);
    await refresh(first.refresh_token);
    await expectProblem(await refresh(first.refresh_token), 401, "refresh_token_reused");
    expect((await refresh(second.refresh_token)).status).toBe(200);
  });

  it("lets exactly one of two concurrent refreshes with the same token win", async () => {
    const { pair } = await loggedInUser();
    const results = await Promise.all([refresh(pair.refresh_token), refresh(pair.refresh_token)]);
    const statuses = results.map((res) => res.status).sort();
    expect(statuses).toEqual([200, 401]);
    const loser = results.find((res) => res.status === 401) as Response;
    await expectProblem(loser, 401, "refresh_token_reused");
  });

  it("answers 401 invalid_refresh_token for an unknown token and 422 for a missing one", async () => {
    await expectProblem(await refresh("not-a-token-we-issued"), 401, "invalid_refresh_token");
    const res = await api("/api/v1/auth/refresh", { method: "POST", body: {} });
    await expectProblem(res, 422, "validation_failed");
  });

  it("issues access tokens naming the login's session (its family) at login and refresh", async () => {
    const { user, pair } = await loggedInUser();
    const [row] = await refreshTokensOf(user.id);
    expect(decodeJwt(pair.access_token).sid).toBe(row?.familyId);
    const next = await json<Pair>(await refresh(pair.refresh_token));
    expect(decodeJwt(next.access_token).sid).toBe(row?.familyId);
    const other = await loginAs(user);
    expect(decodeJwt(other.access_token).sid).not.toBe(row?.familyId);
  });

  it("stores only hashes of refresh tokens", async () => {
    const { user, pair } = await loggedInUser();
    const rows = await refreshTokensOf(user.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain(pair.refresh_token);
  });
});

describe("POST /api/v1/auth/logout", () => {
  it("revokes the login's family: its refresh token stops working", async () => {
    const { pair } = await loggedInUser();
    const res = await api("/api/v1/auth/logout", {
      method: "POST",
      body: { refresh_token: pair.refresh_token },
    });
    expect(res.status).toBe(204);
    await expectProblem(await refresh(pair.refresh_token), 401, "invalid_refresh_token");
  });

  it("is idempotent: an unknown token also answers 204", async () => {
    const res = await api("/api/v1/auth/logout", {
      method: "POST",
      body: { refresh_token: "never-issued" },
    });
    expect(res.status).toBe(204);
  });
});

describe("access token attacks all answer 401 with WWW-Authenticate", () => {
  async function expect401(authorization: string | undefined, code = "invalid_token") {
    const res = await me(authorization);
    expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer /);
    await expectProblem(res, 401, code);
  }

  it("missing Authorization header", async () => {
    await expect401(undefined, "unauthenticated");
  });

  it.each(["Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Bearer a b", "bearer-token"])(
    "malformed header %j",
    async (header) => {
      await expect401(header);
    },
  );

  it("alg: none", async () => {
    const user = await createUser();
    const header = base64url({ alg: "none", typ: "at+jwt" });
    await expect401(`Bearer ${header}.${base64url(claimsFor(user.id))}.`);
  });

  it("signed with another key", async () => {
    const user = await createUser();
    await expect401(`Bearer ${await sign(claimsFor(user.id), "another-secret-".repeat(4))}`);
  });

  it("expired", async () => {
    const user = await createUser();
    const token = await accessTokens().sign(
      { sub: user.id, role: "customer" },
      new Date(Date.now() - 16 * 60 * 1000),
    );
    await expect401(`Bearer ${token}`);
  });

  it("tampered payload (customer made admin)", async () => {
    const user = await createUser();
    const [header, , signature] = user.token.split(".");
    const forged = `${header}.${base64url(claimsFor(user.id, "admin"))}.${signature}`;
    await expect401(`Bearer ${forged}`);
    const list = await api("/api/v1/users", { headers: { Authorization: `Bearer ${forged}` } });
    expect(list.status).toBe(401);
  });

  it("wrong typ (a plain JWT, not an access token)", async () => {
    const user = await createUser();
    await expect401(`Bearer ${await sign(claimsFor(user.id), env.JWT_SECRET ?? "", "JWT")}`);
  });

  it("wrong issuer or audience", async () => {
    const user = await createUser();
    const secret = env.JWT_SECRET ?? "";
    await expect401(`Bearer ${await sign({ ...claimsFor(user.id), iss: "evil" }, secret)}`);
    await expect401(`Bearer ${await sign({ ...claimsFor(user.id), aud: "other-api" }, secret)}`);
  });

  it("a refresh token used as an access token", async () => {
    const { pair } = await loggedInUser();
    await expect401(`Bearer ${pair.refresh_token}`);
  });

  it("a valid token of a deactivated user", async () => {
    const user = await createUser({ isActive: false });
    await expect401(`Bearer ${user.token}`);
  });
});

describe("login from the docs page", () => {
  it("declares the OAuth2 password flow at the login URL, documented with every media type", async () => {
    const doc = await json<{
      components: { securitySchemes: Record<string, { flows?: unknown }> };
      paths: Record<string, Record<string, { requestBody?: { content: object } }>>;
    }>(await api("/api/v1/openapi.json"));
    expect(doc.components.securitySchemes.oauth2Password?.flows).toEqual({
      password: { tokenUrl: "/api/v1/auth/login", refreshUrl: "/api/v1/auth/login", scopes: {} },
    });
    const content = doc.paths["/api/v1/auth/login"]?.post?.requestBody?.content ?? {};
    expect(Object.keys(content).sort()).toEqual([
      "application/json",
      "application/x-www-form-urlencoded",
      "multipart/form-data",
    ]);
  });
});
