import type { Services } from "../container";
import type { D1Stats, RequestD1 } from "../db/request-d1";
import type { Principal } from "../domains/auth/auth.principal";
import type { Bindings } from "../settings";

/** What middleware puts on the Hono context for the handlers after it. */
/** What the edge cache did for this request; undefined where the route is not cacheable. */
export type CacheStatus = "HIT" | "MISS" | "BYPASS";

export type Variables = {
  requestId: string;
  /** The request's D1 session; repositories reach it through the container. */
  d1: RequestD1;
  /** Round trips so far and their time: read by Server-Timing, metrics and the bench. */
  d1Stats: D1Stats;
  cacheStatus?: CacheStatus;
  services: Services;
  principal?: Principal;
};

/** The Hono environment of every router: the runtime's bindings plus the variables above. */
export type AppEnv = { Bindings: Bindings; Variables: Variables };
