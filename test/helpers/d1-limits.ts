import { MAX_BOUND_PARAMETERS } from "../../src/db/limits";

/**
 * Limits deployed D1 enforces and local SQLite (workerd, these tests) does not
 * (https://developers.cloudflare.com/d1/platform/limits/).
 */
export const D1_MAX_LIKE_PATTERN_BYTES = 50;
export const D1_MAX_STATEMENT_BYTES = 100_000;

const bytes = (text: string) => new TextEncoder().encode(text).length;

/** Throws as deployed D1 would for a statement local SQLite accepts. */
export function checkD1Limits(query: string, params: unknown[]): void {
  if (bytes(query) > D1_MAX_STATEMENT_BYTES) throw new Error("D1: SQL statement too long");
  if (params.length > MAX_BOUND_PARAMETERS) throw new Error("D1: too many SQL variables");
  // Any string bound to a statement with LIKE or GLOB may be its pattern: be strict.
  if (/\b(LIKE|GLOB)\b/i.test(query)) {
    const long = params.find((p) => typeof p === "string" && bytes(p) > D1_MAX_LIKE_PATTERN_BYTES);
    if (long !== undefined) throw new Error("D1: LIKE or GLOB pattern too complex");
  }
}

/** Forwards everything to `target`, except what `overrides` replaces. */
function forwarding<T extends object>(target: T, overrides: Record<string, unknown>): T {
  return new Proxy(target, {
    get(inner, property) {
      if (typeof property === "string" && property in overrides) return overrides[property];
      const value = Reflect.get(inner, property, inner);
      return typeof value === "function" ? value.bind(inner) : value;
    },
  });
}

/** Checks each statement `target` prepares as it is bound. */
function limitedPrepare(target: Pick<D1Database, "prepare">) {
  return (query: string) => {
    checkD1Limits(query, []);
    const statement = target.prepare(query);
    return forwarding(statement, {
      bind: (...params: unknown[]) => {
        checkD1Limits(query, params);
        return statement.bind(...params);
      },
    });
  };
}

/**
 * `db` with deployed D1's limits: each statement is checked as it is bound, on the binding
 * and on the sessions the app opens on it (`withSession`).
 */
export function withD1Limits(db: D1Database): D1Database {
  return forwarding(db, {
    prepare: limitedPrepare(db),
    withSession: (start?: string) => {
      const session = db.withSession(start);
      return forwarding(session, { prepare: limitedPrepare(session) });
    },
  });
}
