import { type DrizzleD1Database, drizzle } from "drizzle-orm/d1";

/** Drizzle over the request's D1 binding: a thin wrapper, cheap to build per request. */
export type Database = DrizzleD1Database;

export function createDatabase(d1: D1Database): Database {
  return drizzle(d1);
}
