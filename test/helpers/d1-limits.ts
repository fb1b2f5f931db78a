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

/** `db` with deployed D1's limits: each statement is checked as it is bound. */
export function withD1Limits(db: D1Database): D1Database {
  return new Proxy(db, {
    get(target, property) {
      if (property === "prepare") {
        return (query: string) => {
          checkD1Limits(query, []);
          const statement = target.prepare(query);
          return new Proxy(statement, {
            get(inner, name) {
              if (name === "bind") {
                return (...params: unknown[]) => {
                  checkD1Limits(query, params);
                  return inner.bind(...params);
                };
              }
              const value = Reflect.get(inner, name, inner);
              return typeof value === "function" ? value.bind(inner) : value;
            },
          });
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
