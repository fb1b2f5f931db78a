import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./app-env";
import { requestColo, routeTemplate } from "./request-facts";

/**
 * One JSON line per request. Only metadata: never bodies, headers, tokens or query
 * strings (a reset token could travel in one).
 */
export const requestLog = createMiddleware<AppEnv>(async (c, next) => {
  const started = Date.now();
  await next();
  // request_id, trace_id and span_id come with the request's logger.
  c.var.log.info("request", {
    method: c.req.method,
    route: routeTemplate(c),
    status: c.res.status,
    duration_ms: Date.now() - started,
    colo: requestColo(c) ?? null,
    user_id: c.var.principal?.id ?? null,
  });
});
