import { decodeJwt, SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { AccessTokens, InvalidAccessTokenError } from "../../../src/domains/auth/access-tokens";

const config = {
  secret: "unit-test-secret-that-is-long-enough-0123",
  issuer: "https://issuer.test",
  audience: "unit-tests",
};
const tokens = new AccessTokens(config);

/** A token signed with the right key and pins, with claims chosen by the test. */
function signed(claims: Record<string, unknown>): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: "customer", jti: crypto.randomUUID(), ...claims })
    .setProtectedHeader({ alg: "HS256", typ: "at+jwt" })
    .setSubject("user-1")
    .setIssuer(config.issuer)
    .setAudience(config.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + 900)
    .sign(new TextEncoder().encode(config.secret));
}

describe("AccessTokens sid (the session: the refresh token family of the login)", () => {
  it("signs it as the sid claim and reads it back", async () => {
    const token = await tokens.sign({ sub: "user-1", role: "customer", sid: "family-1" });
    expect(decodeJwt(token).sid).toBe("family-1");
    expect(await tokens.verify(token)).toEqual({
      sub: "user-1",
      role: "customer",
      sid: "family-1",
    });
  });

  it("still verifies a token without one (minted before sid existed), and reports none", async () => {
    const token = await tokens.sign({ sub: "user-1", role: "customer" });
    expect(decodeJwt(token)).not.toHaveProperty("sid");
    const claims = await tokens.verify(token);
    expect(claims).toEqual({ sub: "user-1", role: "customer" });
    expect(claims).not.toHaveProperty("sid");
  });

  it.each([[42], [""], [null], [["family-1"]]])(
    "refuses a sid that is not a non-empty string (%j)",
    async (sid) => {
      await expect(tokens.verify(await signed({ sid }))).rejects.toBeInstanceOf(
        InvalidAccessTokenError,
      );
    },
  );

  it("accepts a well-formed token signed outside the class (the test's signer is sound)", async () => {
    expect(await tokens.verify(await signed({ sid: "family-2" }))).toMatchObject({
      sid: "family-2",
    });
  });
});
