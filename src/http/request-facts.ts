import type { Context } from "hono";
import { matchedRoutes } from "hono/route";

/** The label of a request no route answers (404, 405, a preflight for a path without OPTIONS). */
export const UNMATCHED_ROUTE = "unmatched";

/** Hono's method for middleware registered with `use()`: it matches every path it covers. */
const MIDDLEWARE_METHOD = "ALL";

/**
 * The template of the route this request matched (`/api/v1/products/:product_id`), never
 * the raw path: logs and metrics group by it, and a raw path would make one series per id.
 * Read from the router's match, so it is the route even when a middleware answered first
 * (a 401, a 413, a cache hit). The first route wins, as it does in dispatch: `/users/me`
 * also matches `/users/:user_id`, registered after it.
 */
export function routeTemplate(c: Context): string {
  for (const route of matchedRoutes(c)) {
    if (route.method !== MIDDLEWARE_METHOD) return route.path;
  }
  return UNMATCHED_ROUTE;
}

/** The Cloudflare data center that took the request (`request.cf.colo`); unknown locally. */
export function requestColo(c: Context): string | undefined {
  return (c.req.raw as Request & { cf?: { colo?: string } }).cf?.colo;
}
