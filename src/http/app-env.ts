import type { Services } from "../container";
import type { D1Stats, RequestD1 } from "../db/request-d1";
import type { Principal } from "../domains/auth/auth.principal";
import type { Logger } from "../lib/logger";
import type { TraceContext } from "../lib/trace-context";
import type { Bindings } from "../settings";

/** What the edge cache did for a request: the `X-Cache` header's values. */
export const CACHE_STATUSES = ["HIT", "MISS", "BYPASS"] as const;
export type CacheStatus = (typeof CACHE_STATUSES)[number];

/** What middleware puts on the Hono context for the handlers after it. */
export type Variables = {
  requestId: string;
  /** This request's place in a W3C trace (request-context.ts). */
  trace: TraceContext;
  /** Logs with this request's request_id, trace_id and span_id on every line. */
  log: Logger;
  /** The request's D1 session; repositories reach it through the container. */
  d1: RequestD1;
  /** Round trips so far and their time: read by Server-Timing, metrics and the bench. */
  d1Stats: D1Stats;
  /** Undefined where the route is not cacheable. */
  cacheStatus?: CacheStatus;
  services: Services;
  principal?: Principal;
};

/** The Hono environment of every router: the runtime's bindings plus the variables above. */
export type AppEnv = { Bindings: Bindings; Variables: Variables };
