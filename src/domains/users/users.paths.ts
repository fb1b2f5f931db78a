import type { OperationPaths } from "../../http/lazy-routes";

/**
 * The operations users.routes.ts serves, in its order: the one place their method and path are
 * written (users.openapi.ts spreads them). The app routes these at startup and imports the
 * router, with its schemas, on the first request for one of them (src/routers.ts).
 */
export const USERS_PATHS = {
  getMe: { method: "get", path: "/users/me" },
  updateMe: { method: "patch", path: "/users/me" },
  changePassword: { method: "post", path: "/users/me/password" },
  deleteMe: { method: "delete", path: "/users/me" },
  listUsers: { method: "get", path: "/users" },
  getUser: { method: "get", path: "/users/{user_id}" },
  updateUser: { method: "patch", path: "/users/{user_id}" },
  deleteUser: { method: "delete", path: "/users/{user_id}" },
} as const satisfies OperationPaths;
