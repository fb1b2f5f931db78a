import type { OperationPaths } from "../../http/lazy-routes";

/**
 * The operations auth.routes.ts serves, in its order: the one place their method and path are
 * written (auth.openapi.ts spreads them). The app routes these at startup and imports the
 * router, with its schemas, on the first request for one of them (src/routers.ts).
 */
export const AUTH_PATHS = {
  register: { method: "post", path: "/auth/register" },
  login: { method: "post", path: "/auth/login" },
  refresh: { method: "post", path: "/auth/refresh" },
  logout: { method: "post", path: "/auth/logout" },
  requestPasswordReset: { method: "post", path: "/auth/password-reset" },
  confirmPasswordReset: { method: "post", path: "/auth/password-reset/confirm" },
} as const satisfies OperationPaths;
