import { AUTH_PATHS } from "./domains/auth/auth.paths";
import { MAIL_PATHS } from "./domains/mail/mail.paths";
import { ORDERS_PATHS } from "./domains/orders/orders.paths";
import { PRODUCTS_PATHS } from "./domains/products/products.paths";
import { USERS_PATHS } from "./domains/users/users.paths";
import type { LazyRouter } from "./http/lazy-routes";

/**
 * The domain routers app.ts mounts under /api/v1, in mount order (it decides which route
 * wins where two match: `/users/me` before `/users/:user_id`). Each is imported on the first
 * request for one of its paths (mountLazily): a dynamic import, which the bundler turns into
 * a module initialised on first use, so its schemas are not built at the Worker's startup.
 */
export const API_ROUTERS: readonly LazyRouter[] = [
  { paths: AUTH_PATHS, load: async () => (await import("./domains/auth/auth.routes")).authRoutes },
  {
    paths: USERS_PATHS,
    load: async () => (await import("./domains/users/users.routes")).usersRoutes,
  },
  {
    paths: PRODUCTS_PATHS,
    load: async () => (await import("./domains/products/products.routes")).productsRoutes,
  },
  {
    paths: ORDERS_PATHS,
    load: async () => (await import("./domains/orders/orders.routes")).ordersRoutes,
  },
  { paths: MAIL_PATHS, load: async () => (await import("./domains/mail/mail.routes")).mailRoutes },
];
