import type { Context } from "hono";
import { cors as honoCors } from "hono/cors";
import { createMiddleware } from "hono/factory";
import { loadSettings } from "../settings";
import type { AppEnv } from "./app-env";
import { BOOKMARK_HEADER } from "./d1-session";
import { TRACEPARENT_HEADER } from "./request-context";

/** The response headers a browser script may read (CORS hides the others). */
const EXPOSED_HEADERS = [
  "ETag",
  "Location",
  "Link",
  "X-Request-Id",
  "X-Total-Count",
  "Retry-After",
  "Idempotent-Replayed",
  "Server-Timing",
  BOOKMARK_HEADER,
  "X-Cache",
  TRACEPARENT_HEADER,
].join(",");

/** The request's Origin when the settings allow it, else null (no CORS grant). */
function allowedOrigin(origin: string, c: Context<AppEnv>): string | null {
  const settings = loadSettings(c.env);
  return settings.ok && settings.settings.CORS_ORIGINS.includes(origin) ? origin : null;
}

/** Preflights are answered by Hono's cors, built once. */
const preflight = honoCors({
  origin: allowedOrigin,
  allowHeaders: [
    "Authorization",
    "Content-Type",
    "If-Match",
    "If-None-Match",
    "Idempotency-Key",
    "X-Request-Id",
    BOOKMARK_HEADER,
    TRACEPARENT_HEADER,
  ],
  exposeHeaders: EXPOSED_HEADERS.split(","),
  maxAge: 600,
});

/**
 * CORS for the origins in CORS_ORIGINS. A preflight (OPTIONS with
 * Access-Control-Request-Method) gets Hono's answer; a plain OPTIONS reaches the route,
 * which answers with Allow. Every other request gets the same headers Hono's cors would
 * give, but written once onto the final response: Hono's writes them before the handler
 * runs, onto a placeholder response that Hono then copies into the handler's one (a second
 * Response per request, on every route).
 */
export const corsHeaders = createMiddleware<AppEnv>(async (c, next) => {
  if (c.req.method === "OPTIONS") {
    return c.req.header("Access-Control-Request-Method") ? preflight(c, next) : next();
  }
  await next();
  const origin = allowedOrigin(c.req.header("Origin") ?? "", c);
  const headers = c.res.headers;
  if (origin) headers.set("Access-Control-Allow-Origin", origin);
  headers.set("Access-Control-Expose-Headers", EXPOSED_HEADERS);
  headers.append("Vary", "Origin");
});
