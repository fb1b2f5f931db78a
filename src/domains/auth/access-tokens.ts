import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { newId } from "../../lib/ids";
import { namedKeys } from "../../lib/named-keys";
import { isRole, type Role } from "../users/users.values";
import { ACCESS_TOKEN_TTL_SECONDS } from "./auth.values";

const ALGORITHM = "HS256";
const TOKEN_TYPE = "at+jwt";

/**
 * `sid` names the session the token was issued for: the refresh token family of the login
 * (the same for the tokens its refreshes issue). Optional: tokens signed before the claim
 * existed, still valid for up to 15 minutes after a deploy, and tokens minted directly (test
 * factories, scripts) carry none.
 */
export type AccessTokenClaims = { sub: string; role: Role; sid?: string };

export type AccessTokenConfig = {
  secret: string;
  /** The key before the last rotation: tokens it signed verify until they expire. */
  previousSecret?: string | undefined;
  issuer: string;
  audience: string;
};

export class InvalidAccessTokenError extends Error {}

/** One imported HMAC key per secret, named by a kid derived from it (see namedKeys). */
const signingKey = namedKeys(12, (secret) =>
  crypto.subtle.importKey("raw", secret, { name: "HMAC", hash: "SHA-256" }, false, [
    "sign",
    "verify",
  ]),
);

/** Signs and verifies access tokens (RFC 9068 profile) with algorithm, iss, aud, typ pinned. */
export class AccessTokens {
  constructor(private readonly config: AccessTokenConfig) {}

  async sign(claims: AccessTokenClaims, now = new Date()): Promise<string> {
    const issuedAt = Math.floor(now.getTime() / 1000);
    const current = await signingKey(this.config.secret);
    const payload = claims.sid ? { role: claims.role, sid: claims.sid } : { role: claims.role };
    return new SignJWT(payload)
      .setProtectedHeader({ alg: ALGORITHM, typ: TOKEN_TYPE, kid: current.kid })
      .setSubject(claims.sub)
      .setIssuer(this.config.issuer)
      .setAudience(this.config.audience)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ACCESS_TOKEN_TTL_SECONDS)
      .setJti(newId())
      .sign(current.key);
  }

  async verify(token: string): Promise<AccessTokenClaims> {
    try {
      const { payload } = await jwtVerify(token, (header) => this.keyFor(header.kid), {
        algorithms: [ALGORITHM],
        issuer: this.config.issuer,
        audience: this.config.audience,
        typ: TOKEN_TYPE,
        requiredClaims: ["sub", "exp", "iat", "jti"],
      });
      const { role, sid } = payload;
      if (typeof payload.sub !== "string" || !isRole(role)) {
        throw new InvalidAccessTokenError("claims");
      }
      // Not required, for the tokens signed before `sid` existed (see AccessTokenClaims); only
      // this class signs, so a present but malformed one means a bug: refuse the token.
      if (sid === undefined) return { sub: payload.sub, role };
      if (typeof sid !== "string" || sid === "") throw new InvalidAccessTokenError("claims");
      return { sub: payload.sub, role, sid };
    } catch (error) {
      if (error instanceof joseErrors.JOSEError || error instanceof InvalidAccessTokenError) {
        throw new InvalidAccessTokenError(
          error instanceof joseErrors.JWTExpired ? "expired" : "invalid",
        );
      }
      throw error;
    }
  }

  /**
   * The key a token names: the current one or, during a rotation, the previous one. A token
   * without `kid` (signed before kids existed, valid at most 15 minutes) tries the current.
   */
  private async keyFor(kid: string | undefined): Promise<CryptoKey> {
    const current = await signingKey(this.config.secret);
    if (kid === undefined || kid === current.kid) return current.key;
    if (this.config.previousSecret) {
      const previous = await signingKey(this.config.previousSecret);
      if (kid === previous.kid) return previous.key;
    }
    throw new InvalidAccessTokenError("unknown kid");
  }
}
