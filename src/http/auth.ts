import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { Principal } from "../domains/auth/auth.principal";
import type { Role } from "../domains/users/users.values";
import { ForbiddenError, UnauthenticatedError } from "../lib/errors";
import type { AppEnv } from "./app-env";

/** RFC 6750 b64token; the scheme is case-insensitive (RFC 9110 §11.1), so `bearer` works too. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

function bearerToken(header: string | undefined): string {
  if (!header)
    throw new UnauthenticatedError(
      "unauthenticated",
      "Send an access token: Authorization: Bearer <token>",
    );
  const match = BEARER.exec(header);
  if (!match?.[1]) {
    throw new UnauthenticatedError(
      "invalid_token",
      "The Authorization header must be 'Bearer <token>'",
    );
  }
  return match[1];
}

/** Authenticates the caller; their responses are private, so they are never cached. */
export const requireUser = createMiddleware<AppEnv>(async (c, next) => {
  const principal = await c.var.services.authenticator.authenticate(
    bearerToken(c.req.header("Authorization")),
  );
  c.set("principal", principal);
  await next();
  c.header("Cache-Control", "no-store");
});

export function requireRole(role: Role) {
  return createMiddleware<AppEnv>(async (c, next) => {
    if (c.var.principal?.role !== role) {
      throw new ForbiddenError("forbidden", `This operation requires the ${role} role`);
    }
    await next();
  });
}

export type AuthLevel = "user" | "admin";

export function authMiddleware(level: AuthLevel) {
  return level === "admin" ? [requireUser, requireRole("admin")] : [requireUser];
}

/** The authenticated caller, in a handler behind `auth: "user" | "admin"`. */
export function currentPrincipal(c: Context<AppEnv>): Principal {
  const principal = c.var.principal;
  if (!principal) throw new UnauthenticatedError();
  return principal;
}
