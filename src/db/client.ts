import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";
import type { RequestD1 } from "./request-d1";

/**
 * Drizzle over the request's D1 binding: a thin wrapper, cheap to build per request.
 * `$client` is the D1 it was built over: compiled queries (./compiled) prepare their
 * statements on it, so they run in the same session, counted and batched alike.
 */
export type Database = DrizzleD1Database & { $client: D1Database };

/**
 * Over the binding itself (jobs, scripts) or over a request's D1 session. Drizzle's D1
 * driver only calls `prepare` and `batch`, which a session has too; its types name the
 * binding alone, hence the cast.
 */
export function createDatabase(d1: D1Database | RequestD1): Database {
  return drizzle(d1 as D1Database);
}
