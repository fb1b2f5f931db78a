import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { Principal } from "../domains/auth/auth.principal";
import { CheckedPrincipal } from "../domains/auth/authenticator";
import { ForbiddenError, InvalidTokenError, UnauthenticatedError } from "../lib/errors";
import type { AppEnv } from "./app-env";

/** RFC 6750 b64token; the scheme is case-insensitive (RFC 9110 §11.1), so `bearer` works too. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

function bearerToken(header: string | undefined): string {
  if (!header)
    throw new UnauthenticatedError("Send an access token: Authorization: Bearer <token>");
  const match = BEARER.exec(header);
  if (!match?.[1]) {
    throw new InvalidTokenError("The Authorization header must be 'Bearer <token>'");
  }
  return match[1];
}

export type AuthLevel = "user" | "admin";

export type AuthOptions = {
  /**
   * The route's first read is the same whatever the caller's role (order placement reads
   * the catalog and the Idempotency-Key, `GET /users/me` the caller's own row): the account
   * check always rides with it, and the
   * account's role, not the token's, applies once it is read.
   */
  roleBlindFirstRead?: boolean;
};

/**
 * Authenticates the caller; their responses are private, so they are never cached.
 *
 * The account behind the token is read in the request's first round trip to D1, together
 * with the handler's first read, and checked before that read's rows reach the handler.
 * That is safe when the token's role cannot widen what the first read sees: a customer's
 * token, or an admin's on an admin route (the check then refuses a demoted admin with 403).
 * Otherwise (an admin's token on a shared route, a customer's on an admin route) the
 * account is read first, in a round trip of its own, and its current role applies. A
 * route whose first read no role can widen (`roleBlindFirstRead`) always shares it.
 */
export function requireUser(level: AuthLevel, options: AuthOptions = {}) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const { authenticator } = c.var.services;
    const principal = await authenticator.authenticate(bearerToken(c.req.header("Authorization")));
    c.set("principal", principal);
    const sharesFirstRead =
      level === "admin" ? principal.role === "admin" : principal.role === "customer";
    if (sharesFirstRead || options.roleBlindFirstRead) {
      // No read of a role-blind route uses the token's role, so the account's replaces it.
      if (options.roleBlindFirstRead) principal.beforeReads();
      if (level === "admin") principal.require("admin");
    } else {
      principal.beforeReads();
      await authenticator.confirm(principal);
      if (level === "admin" && principal.role !== "admin") {
        throw new ForbiddenError("This operation requires the admin role");
      }
    }
    await next();
    // A handler that read nothing (or failed first) has not checked the account yet.
    await authenticator.confirm(principal);
    c.header("Cache-Control", "no-store");
  });
}

export function authMiddleware(level: AuthLevel, options: AuthOptions = {}) {
  return [requireUser(level, options)];
}

/**
 * The caller with their account read (email, tier): free once the request has made its
 * first read, which carries the account check; otherwise that check's own round trip.
 */
export async function confirmedPrincipal(c: Context<AppEnv>): Promise<Principal> {
  const principal = currentPrincipal(c);
  if (principal instanceof CheckedPrincipal) await c.var.services.authenticator.confirm(principal);
  return principal;
}

/** The authenticated caller, in a handler behind `auth: "user" | "admin"`. */
export function currentPrincipal(c: Context<AppEnv>): Principal {
  const principal = c.var.principal;
  if (!principal) throw new UnauthenticatedError();
  return principal;
}
