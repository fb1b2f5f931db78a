import type { RouterRoute } from "hono/types";

/** A registered path pattern (`/api/v1/products/:product_id`) as a matcher for one segment each. */
function patternToRegExp(path: string): RegExp {
  const source = path
    .split("/")
    .map((segment) =>
      segment.startsWith(":") ? "[^/]+" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"),
    )
    .join("/");
  return new RegExp(`^${source}$`);
}

/**
 * Methods the app serves for a path, from its route table, so an unmatched request can be
 * told apart as 405 (path exists) or 404. Middleware (`ALL`, wildcards) does not count.
 * Not hono/method-not-allowed: it runs as middleware after a 404 and counts wildcard
 * routes (a POST under the docs assets' GET /docs/* would become 405), and its Allow
 * lists methods in registration order where ours is sorted; app.notFound needs neither.
 */
export function allowedMethods(routes: RouterRoute[], path: string): string[] {
  const methods = new Set<string>();
  for (const route of routes) {
    if (route.method === "ALL" || route.path.includes("*")) continue;
    if (patternToRegExp(route.path).test(path)) methods.add(route.method);
  }
  if (methods.has("GET")) methods.add("HEAD");
  return [...methods].sort();
}
