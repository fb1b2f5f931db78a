/**
 * The D1 a request talks to: one D1 session (Sessions API, so reads may go to a nearby
 * replica), opened on the first query, with a count and the time of every round trip.
 * Drizzle drives it like the binding: it only calls `prepare` and `batch`.
 */

import { annotate, inSpan, runtimeTracer, type Tracer } from "../lib/tracing";

/** Round trips to D1 this request made (a statement's first/all/run/raw, or one batch) and their total time. */
export type D1Stats = { roundTrips: number; durationMs: number };

/**
 * Where the session's first query may go: a replica (`first-unconstrained`), the primary
 * (`first-primary`), or any copy at least as fresh as a bookmark the client sent.
 */
export type SessionStart = { constraint: D1SessionConstraint; bookmark?: string | undefined };

/**
 * A read that does not need a round trip of its own: it joins the request's next read
 * (one batch), or goes alone just before the next write. `accept` gets its rows as soon as
 * the trip returns, before the trip's other results reach anyone: throwing there refuses
 * them all (the principal check: a deactivated user's read never reaches the handler).
 */
export type RidingRead = {
  sql: string;
  params: unknown[];
  accept(rows: Record<string, unknown>[]): void;
};

/** Where a read waits to share the request's next round trip (the request's D1 session). */
export type RideAlong = { ride(read: RidingRead): void };

/**
 * The shape of a D1 bookmark: hex groups joined by dashes (`00000002-0000000b-00004fe5-<hash>`).
 * Checked before one reaches `withSession`, so a client's garbage never reaches D1.
 */
const BOOKMARK_SHAPE = /^[0-9a-f]{1,64}(?:-[0-9a-f]{1,64}){0,7}$/i;

export function isWellFormedBookmark(value: string | undefined): value is string {
  return value !== undefined && value.length <= 256 && BOOKMARK_SHAPE.test(value);
}

/** How D1 refuses a bookmark it cannot use (unknown database, corrupt token). */
const REFUSED_BOOKMARK = /bookmark|D1_SESSION_ERROR/i;
const READ = /^\s*select\b/i;
/** A join may name two columns alike: batch rows are objects, so `raw()` could not be rebuilt. */
const JOIN = /\bjoin\b/i;

/** `performance.now()` in Workers advances with I/O, which is what a round trip is. */
const now = () => performance.now();

type RowObject = Record<string, unknown>;

/** How a statement's own call reads its answer out of a batch result. */
type Call<T> = {
  direct(statement: D1PreparedStatement): Promise<T>;
  /** Undefined: the answer cannot be rebuilt from a batch, so the call never shares a trip. */
  fromBatch?: (result: D1Result<RowObject>) => T;
};

export class RequestD1 {
  readonly stats: D1Stats = { roundTrips: 0, durationMs: 0 };
  private session: D1DatabaseSession | undefined;
  /** The client's bookmark until a query has used it: D1 may still refuse it. */
  private clientBookmark: string | undefined;
  private riders: RidingRead[] = [];
  /** Trips under way, and since when at least one has been (see roundTrip). */
  private inFlight = 0;
  private busySince = 0;

  constructor(
    private readonly binding: D1Database,
    private readonly start: SessionStart,
    /** Each round trip is a `d1.round_trip` span around the runtime's own D1 spans. */
    private readonly tracer: Tracer = runtimeTracer,
  ) {
    this.clientBookmark = start.bookmark;
  }

  prepare(sql: string): D1PreparedStatement {
    return new SessionStatement(this, sql, []) as unknown as D1PreparedStatement;
  }

  /** Statements prepared elsewhere (a test's own Drizzle over the binding) run as they are. */
  async batch<T = unknown>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]> {
    const reads = statements.every((s) => s instanceof SessionStatement && s.isRead);
    if (!reads) await this.flush();
    const riders = this.takeRiders();
    return this.roundTrip(async (session) => {
      const own = statements.map((s) => (s instanceof SessionStatement ? s.on(session) : s));
      const results = await this.withRiders(session, riders, own);
      return results as D1Result<T>[];
    });
  }

  /** Queues `read` for the next read round trip (see RidingRead). */
  ride(read: RidingRead): void {
    this.riders.push(read);
  }

  /** Sends the waiting riding reads now, in a trip of their own; nothing when none wait. */
  async flush(): Promise<void> {
    const riders = this.takeRiders();
    if (riders.length === 0) return;
    await this.roundTrip((session) => this.withRiders(session, riders, []));
  }

  /** The session's latest bookmark, or null before its first query. */
  bookmark(): string | null {
    return this.session?.getBookmark() ?? null;
  }

  /** One statement's call: alone, or carrying the riding reads when it is a read itself. */
  async execute<T>(statement: SessionStatement, call: Call<T>): Promise<T> {
    const { fromBatch } = call;
    if (!statement.isRead || !fromBatch) await this.flush();
    const riders = this.takeRiders();
    if (riders.length === 0 || !fromBatch) {
      return this.roundTrip((session) => call.direct(statement.on(session)));
    }
    return this.roundTrip(async (session) => {
      const results = await this.withRiders(session, riders, [statement.on(session)]);
      return fromBatch(results[0] as D1Result<RowObject>);
    });
  }

  /**
   * Runs one call that reaches D1, counted and timed, in a span numbered like Server-Timing
   * counts it when the request is traced (the runtime records the D1 calls inside it: a
   * retry shows as a second one).
   */
  private roundTrip<T>(call: (session: D1DatabaseSession) => Promise<T>): Promise<T> {
    return inSpan(this.tracer, "d1.round_trip", async (span) => {
      this.stats.roundTrips++;
      annotate(span, { "d1.round_trip": this.stats.roundTrips, "d1.start": this.start.constraint });
      this.tripStarted();
      try {
        return await call(this.open());
      } catch (error) {
        if (!this.refusedClientBookmark(error)) throw error;
        // D1 would not start from the client's bookmark: ignore it, as a malformed one is.
        this.session = undefined;
        this.clientBookmark = undefined;
        this.stats.roundTrips++;
        annotate(span, { "d1.bookmark_refused": true });
        return await call(this.open());
      } finally {
        this.tripEnded();
      }
    });
  }

  /**
   * D1 time is the time at least one trip was under way, not the sum of the trips: trips a
   * request runs at once (readiness checks two things in parallel) overlap, and a sum would
   * report more time in D1 than the whole request took.
   */
  private tripStarted(): void {
    if (this.inFlight++ === 0) this.busySince = now();
  }

  private tripEnded(): void {
    if (--this.inFlight === 0) this.stats.durationMs += now() - this.busySince;
  }

  /**
   * One batch: the riders first, then `statements`. The riders accept their rows before
   * anything is returned; if the batch fails they wait for the next trip again.
   */
  private async withRiders(
    session: D1DatabaseSession,
    riders: RidingRead[],
    statements: D1PreparedStatement[],
  ): Promise<D1Result[]> {
    if (riders.length === 0) return session.batch(statements);
    const prepared = riders.map((r) => session.prepare(r.sql).bind(...r.params));
    let results: D1Result[];
    try {
      results = await session.batch([...prepared, ...statements]);
    } catch (error) {
      this.riders.unshift(...riders);
      throw error;
    }
    riders.forEach((rider, i) => {
      rider.accept((results[i]?.results ?? []) as RowObject[]);
    });
    return results.slice(riders.length);
  }

  private takeRiders(): RidingRead[] {
    const riders = this.riders;
    this.riders = [];
    return riders;
  }

  private open(): D1DatabaseSession {
    if (this.session) return this.session;
    if (this.clientBookmark) {
      try {
        this.session = this.binding.withSession(this.clientBookmark);
        return this.session;
      } catch {
        this.clientBookmark = undefined;
      }
    }
    this.session = this.binding.withSession(this.start.constraint);
    return this.session;
  }

  private refusedClientBookmark(error: unknown): boolean {
    if (this.clientBookmark === undefined) return false;
    // Only the first query can be refused for the bookmark: after it, the session has its own.
    if (this.session?.getBookmark() !== this.clientBookmark) return false;
    return error instanceof Error && REFUSED_BOOKMARK.test(error.message);
  }
}

/**
 * A statement prepared against the request's D1, not yet against a session: the session
 * is opened (or reopened without a refused bookmark) only when the statement runs.
 */
class SessionStatement {
  readonly isRead: boolean;

  constructor(
    private readonly db: RequestD1,
    private readonly sql: string,
    private readonly params: unknown[],
  ) {
    this.isRead = READ.test(sql);
  }

  bind(...values: unknown[]): SessionStatement {
    return new SessionStatement(this.db, this.sql, values);
  }

  /** The statement on a real session, for a batch. */
  on(session: D1DatabaseSession): D1PreparedStatement {
    return session.prepare(this.sql).bind(...this.params);
  }

  first<T>(column?: string): Promise<T | null> {
    return this.db.execute<T | null>(this, {
      direct: (s) => (column === undefined ? s.first<T>() : s.first<T>(column)),
      fromBatch: (result) => {
        const row = result.results[0];
        if (row === undefined) return null;
        return (column === undefined ? row : row[column]) as T;
      },
    });
  }

  all<T>(): Promise<D1Result<T>> {
    return this.db.execute<D1Result<T>>(this, {
      direct: (s) => s.all<T>(),
      fromBatch: (result) => result as unknown as D1Result<T>,
    });
  }

  run<T>(): Promise<D1Result<T>> {
    return this.db.execute<D1Result<T>>(this, { direct: (s) => s.run<T>() });
  }

  raw<T = unknown[]>(options?: { columnNames?: boolean }): Promise<T[]> {
    const direct = (s: D1PreparedStatement) =>
      (options?.columnNames ? s.raw<T>({ columnNames: true }) : s.raw<T>()) as Promise<T[]>;
    if (options?.columnNames || JOIN.test(this.sql)) return this.db.execute<T[]>(this, { direct });
    return this.db.execute<T[]>(this, {
      direct,
      fromBatch: (result) => result.results.map((row) => Object.values(row) as T),
    });
  }
}
