import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { decodeProtectedHeader } from "jose";
import { describe, expect, it } from "vitest";
import { createApp } from "../../../src/app";
import { AccessTokens } from "../../../src/domains/auth/access-tokens";
import type { Bindings } from "../../../src/settings";
import { createUser, loginAs } from "../../helpers/factories";
import { BASE } from "../../helpers/http";

const NEXT_SECRET = "bmV4dC1zZWNyZXQtYWZ0ZXItdGhlLXJvdGF0aW9uLTAxMjM0NTY3ODk";

/** GET /users/me through an app whose Worker has these secrets. */
function meWith(secrets: Partial<Bindings>, token: string) {
  return createApp().fetch(
    new Request(`${BASE}/api/v1/users/me`, { headers: { Authorization: `Bearer ${token}` } }),
    { ...env, ...secrets },
    createExecutionContext(),
  );
}

describe("JWT_SECRET rotation", () => {
  it("tokens carry a kid; after a rotation they stay valid while JWT_SECRET_PREVIOUS names the old key", async () => {
    const user = await createUser({ password: "correct-horse-battery" });
    const { access_token: token } = await loginAs(user);
    expect(decodeProtectedHeader(token).kid).toEqual(expect.any(String));

    const rotated = { JWT_SECRET: NEXT_SECRET, JWT_SECRET_PREVIOUS: env.JWT_SECRET };
    expect((await meWith(rotated, token)).status).toBe(200);
    // Once the previous key is dropped, its tokens are refused.
    expect((await meWith({ JWT_SECRET: NEXT_SECRET }, token)).status).toBe(401);
  });

  it("the rotated Worker signs with the new key", async () => {
    const user = await createUser();
    const fresh = await new AccessTokens({
      secret: NEXT_SECRET,
      issuer: env.JWT_ISSUER ?? "",
      audience: env.JWT_AUDIENCE ?? "",
    }).sign({ sub: user.id, role: "customer" });
    const rotated = { JWT_SECRET: NEXT_SECRET, JWT_SECRET_PREVIOUS: env.JWT_SECRET };
    expect((await meWith(rotated, fresh)).status).toBe(200);
    expect((await meWith({}, fresh)).status).toBe(401);
  });
});
