import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { newId } from "../../lib/ids";
import type { Role } from "../users/users.values";

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
const ALGORITHM = "HS256";
const TOKEN_TYPE = "at+jwt";

/**
 * `sid` names the session the token was issued for: the refresh token family of the login
 * (the same for the tokens its refreshes issue). Optional: tokens signed before the claim
 * existed, still valid for up to 15 minutes after a deploy, and tokens minted directly (test
 * factories, scripts) carry none.
 */
export type AccessTokenClaims = { sub: string; role: Role; sid?: string };

export type AccessTokenConfig = { secret: string; issuer: string; audience: string };

export class InvalidAccessTokenError extends Error {}

/** One imported HMAC key per secret per isolate: importing is the costly part of verifying. */
const keyCache = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keyCache.get(secret);
  if (!key) {
    key = crypto.subtle.importKey(
      "raw",
      new TextEncoder().encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
    keyCache.set(secret, key);
  }
  return key;
}

/** Signs and verifies access tokens (RFC 9068 profile) with algorithm, iss, aud, typ pinned. */
export class AccessTokens {
  constructor(private readonly config: AccessTokenConfig) {}

  async sign(claims: AccessTokenClaims, now = new Date()): Promise<string> {
    const issuedAt = Math.floor(now.getTime() / 1000);
    const payload = claims.sid ? { role: claims.role, sid: claims.sid } : { role: claims.role };
    return new SignJWT(payload)
      .setProtectedHeader({ alg: ALGORITHM, typ: TOKEN_TYPE })
      .setSubject(claims.sub)
      .setIssuer(this.config.issuer)
      .setAudience(this.config.audience)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ACCESS_TOKEN_TTL_SECONDS)
      .setJti(newId())
      .sign(await hmacKey(this.config.secret));
  }

  async verify(token: string): Promise<AccessTokenClaims> {
    try {
      const { payload } = await jwtVerify(token, await hmacKey(this.config.secret), {
        algorithms: [ALGORITHM],
        issuer: this.config.issuer,
        audience: this.config.audience,
        typ: TOKEN_TYPE,
        requiredClaims: ["sub", "exp", "iat", "jti"],
      });
      const { role, sid } = payload;
      if (typeof payload.sub !== "string" || (role !== "customer" && role !== "admin")) {
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
}
