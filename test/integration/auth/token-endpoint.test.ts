import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { TokenPairResponse as Pair } from "../../../src/domains/auth/auth.schemas";
import { expectProblem, refreshTokensOf } from "../../helpers/auth";
import { createUser, loginAs, uniqueIp } from "../../helpers/factories";
import { api, BASE, json } from "../../helpers/http";

const PASSWORD = "correct-horse-battery";

/** A urlencoded form to the token endpoint, as OAuth2 client libraries send it. */
function tokenForm(fields: Record<string, string>, headers: Record<string, string> = {}) {
  return api("/api/v1/auth/login", {
    method: "POST",
    body: new URLSearchParams(fields).toString(),
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      "CF-Connecting-IP": uniqueIp(),
      ...headers,
    },
  });
}

function refreshGrant(refreshToken: string, extra: Record<string, string> = {}) {
  return tokenForm({ grant_type: "refresh_token", refresh_token: refreshToken, ...extra });
}

async function loggedIn() {
  const user = await createUser({ password: PASSWORD });
  return { user, pair: await loginAs(user) };
}

describe("POST /api/v1/auth/login with grant_type=refresh_token (RFC 6749 §6)", () => {
  it("spends the refresh token and answers 200 with a new TokenPair", async () => {
    const { pair } = await loggedIn();
    const res = await refreshGrant(pair.refresh_token);
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const next = await json<Pair>(res);
    expect(next).toMatchObject({ token_type: "bearer", expires_in: 900 });
    expect(next.refresh_token).not.toBe(pair.refresh_token);
    expect((await api("/api/v1/users/me", { token: next.access_token })).status).toBe(200);
    // The new refresh token works in turn, at either endpoint.
    expect((await refreshGrant(next.refresh_token)).status).toBe(200);
  });

  it("detects reuse like /auth/refresh: 401 refresh_token_reused and the family revoked", async () => {
    const { user, pair } = await loggedIn();
    const next = await json<Pair>(await refreshGrant(pair.refresh_token));
    const reused = await expectProblem(
      await refreshGrant(pair.refresh_token),
      401,
      "refresh_token_reused",
    );
    expect(reused.error).toBe("invalid_grant");
    await expectProblem(await refreshGrant(next.refresh_token), 401, "invalid_refresh_token");
    expect((await refreshTokensOf(user.id)).every((row) => row.revokedAt !== null)).toBe(true);
  });

  it("answers 401 invalid_refresh_token with error invalid_grant for an unknown token", async () => {
    const body = await expectProblem(
      await refreshGrant("not-a-refresh-token"),
      401,
      "invalid_refresh_token",
    );
    expect(body.error).toBe("invalid_grant");
  });

  it("takes what the docs page (Scalar) sends, client fields and Basic credentials included", async () => {
    const { pair } = await loggedIn();
    const res = await refreshGrant(pair.refresh_token, { client_id: "docs", scope: "" });
    expect(res.status).toBe(200);
    const next = await json<Pair>(res);
    const basic = await tokenForm(
      { grant_type: "refresh_token", refresh_token: next.refresh_token },
      { Authorization: `Basic ${btoa("docs:secret")}` },
    );
    expect(basic.status).toBe(200);
  });

  it("accepts the same grant as multipart/form-data", async () => {
    const { pair } = await loggedIn();
    const form = new FormData();
    form.append("grant_type", "refresh_token");
    form.append("refresh_token", pair.refresh_token);
    const res = await exports.default.fetch(
      new Request(`${BASE}/api/v1/auth/login`, { method: "POST", body: form }),
    );
    expect(res.status).toBe(200);
  });
});

describe("RFC 6749 error members on the token endpoint's form grants", () => {
  it("an unknown grant_type is 400 unsupported_grant_type", async () => {
    const body = await expectProblem(
      await tokenForm({ grant_type: "client_credentials", client_id: "x" }),
      400,
      "unsupported_grant_type",
    );
    expect(body.error).toBe("unsupported_grant_type");
  });

  it("a refresh grant without its token is 422 with error invalid_request", async () => {
    const body = await expectProblem(
      await tokenForm({ grant_type: "refresh_token" }),
      422,
      "validation_failed",
    );
    expect(body.error).toBe("invalid_request");
    expect(body.errors).toEqual([expect.objectContaining({ path: "refresh_token" })]);
  });

  it("mixing the grants' fields is 422 invalid_request", async () => {
    const { user, pair } = await loggedIn();
    const body = await expectProblem(
      await refreshGrant(pair.refresh_token, { username: user.email }),
      422,
      "validation_failed",
    );
    expect(body.error).toBe("invalid_request");
  });

  it("a wrong password in the password grant is 401 invalid_credentials with invalid_grant", async () => {
    const user = await createUser({ password: PASSWORD });
    const body = await expectProblem(
      await tokenForm({ grant_type: "password", username: user.email, password: "wrong-one" }),
      401,
      "invalid_credentials",
    );
    expect(body.error).toBe("invalid_grant");
  });

  it("a disabled account is 403 account_disabled with invalid_grant", async () => {
    const user = await createUser({ password: PASSWORD, isActive: false });
    const body = await expectProblem(
      await tokenForm({ username: user.email, password: PASSWORD }),
      403,
      "account_disabled",
    );
    expect(body.error).toBe("invalid_grant");
  });

  it("a form that does not parse is 400 malformed_body with invalid_request", async () => {
    const res = await api("/api/v1/auth/login", {
      method: "POST",
      body: "--x\r\nnot a part",
      headers: { "Content-Type": "multipart/form-data; boundary=y" },
    });
    const body = await expectProblem(res, 400, "malformed_body");
    expect(body.error).toBe("invalid_request");
  });

  it("JSON logins keep plain problems, without an error member", async () => {
    const user = await createUser({ password: PASSWORD });
    const res = await api("/api/v1/auth/login", {
      method: "POST",
      body: { email: user.email, password: "wrong-one" },
      headers: { "CF-Connecting-IP": uniqueIp() },
    });
    const body = await expectProblem(res, 401, "invalid_credentials");
    expect(body).not.toHaveProperty("error");
  });
});

describe("the token endpoint in the OpenAPI document", () => {
  // biome-ignore lint/suspicious/noExplicitAny: a parsed JSON document, walked by key
  type Json = Record<string, any>;

  async function loginOperation(): Promise<{ operation: Json; document: Json }> {
    const document = await (await api("/api/v1/openapi.json")).json<Json>();
    return { operation: document.paths["/api/v1/auth/login"].post, document };
  }

  it("offers both grants as form variants, each with an example", async () => {
    const { operation, document } = await loginOperation();
    for (const type of ["application/x-www-form-urlencoded", "multipart/form-data"]) {
      const form = operation.requestBody.content[type];
      expect(form.schema).toEqual({ $ref: "#/components/schemas/TokenForm" });
      expect(form.examples.refresh_token.value).toMatchObject({ grant_type: "refresh_token" });
      expect(form.examples.password.value).toMatchObject({ grant_type: "password" });
    }
    const [password, refresh] = document.components.schemas.TokenForm.oneOf;
    expect(password).toMatchObject({ title: "Password grant", required: ["username", "password"] });
    expect(refresh).toMatchObject({
      title: "Refresh grant",
      required: ["grant_type", "refresh_token"],
      properties: { grant_type: { type: "string", enum: ["refresh_token"] } },
    });
  });

  it("documents the grants' problems with their RFC 6749 error member", async () => {
    const { operation, document } = await loginOperation();
    const examples = (status: number) =>
      operation.responses[status].content["application/problem+json"].examples;
    expect(examples(400).unsupported_grant_type_form.value).toMatchObject({
      code: "unsupported_grant_type",
      error: "unsupported_grant_type",
    });
    expect(examples(401).refresh_token_reused_form.value).toMatchObject({
      code: "refresh_token_reused",
      error: "invalid_grant",
    });
    expect(examples(422).validation_failed_form.value.error).toBe("invalid_request");
    expect(examples(401).refresh_token_reused.value).not.toHaveProperty("error");
    expect(document.components.schemas.Problem.properties.error.enum).toEqual([
      "invalid_request",
      "invalid_grant",
      "unsupported_grant_type",
    ]);
  });

  it("names the token endpoint as the OAuth2 flow's refresh URL, which the docs page uses", async () => {
    const { document } = await loginOperation();
    expect(document.components.securitySchemes.oauth2Password.flows.password).toMatchObject({
      tokenUrl: "/api/v1/auth/login",
      refreshUrl: "/api/v1/auth/login",
    });
  });
});
