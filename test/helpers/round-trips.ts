import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { createApp } from "../../src/app";
import type { Bindings } from "../../src/settings";
import { buildRequest, type RequestOptions } from "./http";

/** Calls that reached D1 through a binding, counted the way the contract counts them. */
export type TripLog = { trips: number; sessions: string[] };

class CountingStatement {
  constructor(
    readonly inner: D1PreparedStatement,
    private readonly log: TripLog,
  ) {}
  bind(...values: unknown[]) {
    return new CountingStatement(this.inner.bind(...values), this.log);
  }
  first(column?: string) {
    this.log.trips++;
    return column === undefined ? this.inner.first() : this.inner.first(column);
  }
  all() {
    this.log.trips++;
    return this.inner.all();
  }
  run() {
    this.log.trips++;
    return this.inner.run();
  }
  raw(options?: { columnNames?: boolean }) {
    this.log.trips++;
    return options?.columnNames ? this.inner.raw({ columnNames: true }) : this.inner.raw();
  }
}

type Preparer = Pick<D1Database, "prepare" | "batch">;

function counted<T extends Preparer>(target: T, log: TripLog) {
  return {
    prepare: (sql: string) =>
      new CountingStatement(target.prepare(sql), log) as unknown as D1PreparedStatement,
    batch: (statements: D1PreparedStatement[]) => {
      log.trips++;
      return target.batch(statements.map((s) => (s as unknown as CountingStatement).inner));
    },
  };
}

/** The DB binding with every round trip counted, sessions included (`sessions` logs how each began). */
export function countingD1(binding: D1Database, log: TripLog): D1Database {
  return {
    ...counted(binding, log),
    exec: (sql: string) => {
      log.trips++;
      return binding.exec(sql);
    },
    withSession: (start?: string) => {
      log.sessions.push(start ?? "");
      const session = binding.withSession(start);
      return { ...counted(session, log), getBookmark: () => session.getBookmark() };
    },
  } as unknown as D1Database;
}

/**
 * Sends a request through the real app in workerd, injecting a counting DB binding the way
 * the runtime injects bindings; returns the response and the round trips it made.
 */
export async function countedRequest(
  path: string,
  options: RequestOptions = {},
  bindings: Partial<Bindings> = {},
): Promise<{ response: Response; trips: number; log: TripLog }> {
  const log: TripLog = { trips: 0, sessions: [] };
  const request = buildRequest(path, options);
  const ctx = createExecutionContext();
  const response = await app().fetch(
    request,
    { ...env, ...bindings, DB: countingD1(env.DB, log) },
    ctx,
  );
  const trips = log.trips;
  await waitOnExecutionContext(ctx);
  return { response, trips, log };
}

let built: ReturnType<typeof createApp> | undefined;
function app() {
  built ??= createApp();
  return built;
}

/** The round trips a response reports in its Server-Timing header. */
export function reportedTrips(response: Response): number | null {
  const match = /d1;dur=[\d.]+;desc="(\d+) round trips"/.exec(
    response.headers.get("Server-Timing") ?? "",
  );
  return match ? Number(match[1]) : null;
}
