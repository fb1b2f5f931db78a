import { decodeJwt, decodeProtectedHeader, SignJWT } from "jose";
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

describe("AccessTokens kid and key rotation", () => {
  const OLD = "b2xkLWtleS1vbGQta2V5LW9sZC1rZXktb2xkLWtleS0xMjM0NTY3ODkw";
  const NEW = "bmV3LWtleS1uZXcta2V5LW5ldy1rZXktbmV3LWtleS0xMjM0NTY3ODkw";
  const withKeys = (secret: string, previousSecret?: string) =>
    new AccessTokens({ ...config, secret, previousSecret });
  const kidOf = (token: string) => decodeProtectedHeader(token).kid;

  it("names its key in the kid header, the same for the same secret and not the secret", async () => {
    const token = await withKeys(OLD).sign({ sub: "user-1", role: "customer" });
    const kid = kidOf(token);
    expect(kid).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(kidOf(await withKeys(OLD).sign({ sub: "u", role: "admin" }))).toBe(kid);
    expect(kidOf(await withKeys(NEW).sign({ sub: "u", role: "admin" }))).not.toBe(kid);
    expect(OLD).not.toContain(kid);
  });

  it("verifies tokens of the previous key during a rotation, and signs with the new one", async () => {
    const oldToken = await withKeys(OLD).sign({ sub: "user-1", role: "customer" });
    const rotated = withKeys(NEW, OLD);
    expect(await rotated.verify(oldToken)).toEqual({ sub: "user-1", role: "customer" });
    const newToken = await rotated.sign({ sub: "user-1", role: "customer" });
    expect(kidOf(newToken)).toBe(kidOf(await withKeys(NEW).sign({ sub: "u", role: "admin" })));
  });

  it("refuses the old key's tokens once JWT_SECRET_PREVIOUS is gone", async () => {
    const oldToken = await withKeys(OLD).sign({ sub: "user-1", role: "customer" });
    await expect(withKeys(NEW).verify(oldToken)).rejects.toBeInstanceOf(InvalidAccessTokenError);
  });

  it("refuses a kid it does not know, and a kid that names the wrong key", async () => {
    const foreign = await withKeys(NEW, OLD).sign({ sub: "user-1", role: "customer" });
    await expect(withKeys(OLD).verify(foreign)).rejects.toBeInstanceOf(InvalidAccessTokenError);
    // Signed with OLD but claiming NEW's kid: the signature does not match NEW.
    const now = Math.floor(Date.now() / 1000);
    const forged = await new SignJWT({ role: "admin", jti: "j" })
      .setProtectedHeader({ alg: "HS256", typ: "at+jwt", kid: kidOf(foreign) })
      .setSubject("user-1")
      .setIssuer(config.issuer)
      .setAudience(config.audience)
      .setIssuedAt(now)
      .setExpirationTime(now + 900)
      .sign(new TextEncoder().encode(OLD));
    await expect(withKeys(NEW, OLD).verify(forged)).rejects.toBeInstanceOf(InvalidAccessTokenError);
  });
});
