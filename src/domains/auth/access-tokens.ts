import { errors as joseErrors, jwtVerify, SignJWT } from "jose";
import { newId } from "../../lib/ids";
import type { Role } from "./auth.principal";

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
const ALGORITHM = "HS256";
const TOKEN_TYPE = "at+jwt";

export type AccessTokenClaims = { sub: string; role: Role };

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
    return new SignJWT({ role: claims.role })
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
      const role = payload.role;
      if (typeof payload.sub !== "string" || (role !== "customer" && role !== "admin")) {
        throw new InvalidAccessTokenError("claims");
      }
      return { sub: payload.sub, role };
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
