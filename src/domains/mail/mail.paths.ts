import type { OperationPaths } from "../../http/lazy-routes";

/**
 * The operations mail.routes.ts serves, in its order: the one place their method and path are
 * written (mail.openapi.ts spreads them). The app routes these at startup and imports the
 * router, with its schemas, on the first request for one of them (src/routers.ts).
 */
export const MAIL_PATHS = {
  listMail: { method: "get", path: "/admin/mail" },
  retryMail: { method: "post", path: "/admin/mail/{id}/retry" },
} as const satisfies OperationPaths;
