/**
 * The D1 a request talks to: one D1 session (Sessions API, so reads may go to a nearby
 * replica), opened on the first query, with a count and the time of every round trip.
 * Drizzle drives it like the binding: it only calls `prepare` and `batch`.
 */

/** Round trips to D1 this request made (a statement's first/all/run/raw, or one batch) and their total time. */
export type D1Stats = { roundTrips: number; durationMs: number };

/**
 * Where the session's first query may go: a replica (`first-unconstrained`), the primary
 * (`first-primary`), or any copy at least as fresh as a bookmark the client sent.
 */
export type SessionStart = { constraint: D1SessionConstraint; bookmark?: string | undefined };

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

/** `performance.now()` in Workers advances with I/O, which is what a round trip is. */
const now = () => performance.now();

export class RequestD1 {
  readonly stats: D1Stats = { roundTrips: 0, durationMs: 0 };
  private session: D1DatabaseSession | undefined;
  /** The client's bookmark until a query has used it: D1 may still refuse it. */
  private clientBookmark: string | undefined;

  constructor(
    private readonly binding: D1Database,
    private readonly start: SessionStart,
  ) {
    this.clientBookmark = start.bookmark;
  }

  prepare(sql: string): D1PreparedStatement {
    return new SessionStatement(this, sql, []) as unknown as D1PreparedStatement;
  }

  /** Statements prepared elsewhere (a test's own Drizzle over the binding) run as they are. */
  batch<T = unknown>(statements: D1PreparedStatement[]): Promise<D1Result<T>[]> {
    return this.roundTrip((session) =>
      session.batch<T>(statements.map((s) => (s instanceof SessionStatement ? s.on(session) : s))),
    );
  }

  /** The session's latest bookmark, or null before its first query. */
  bookmark(): string | null {
    return this.session?.getBookmark() ?? null;
  }

  /** Runs one call that reaches D1, counted and timed. */
  async roundTrip<T>(call: (session: D1DatabaseSession) => Promise<T>): Promise<T> {
    this.stats.roundTrips++;
    const started = now();
    try {
      return await call(this.open());
    } catch (error) {
      if (!this.refusedClientBookmark(error)) throw error;
      // D1 would not start from the client's bookmark: ignore it, as a malformed one is.
      this.session = undefined;
      this.clientBookmark = undefined;
      this.stats.roundTrips++;
      return await call(this.open());
    } finally {
      this.stats.durationMs += now() - started;
    }
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
  constructor(
    private readonly db: RequestD1,
    private readonly sql: string,
    private readonly params: unknown[],
  ) {}

  bind(...values: unknown[]): SessionStatement {
    return new SessionStatement(this.db, this.sql, values);
  }

  /** The statement on a real session, for a batch. */
  on(session: D1DatabaseSession): D1PreparedStatement {
    return session.prepare(this.sql).bind(...this.params);
  }

  first<T>(column?: string): Promise<T | null> {
    return this.db.roundTrip((session) =>
      column === undefined ? this.on(session).first<T>() : this.on(session).first<T>(column),
    );
  }

  all<T>(): Promise<D1Result<T>> {
    return this.db.roundTrip((session) => this.on(session).all<T>());
  }

  run<T>(): Promise<D1Result<T>> {
    return this.db.roundTrip((session) => this.on(session).run<T>());
  }

  raw<T = unknown[]>(options?: { columnNames?: boolean }): Promise<T[]> {
    return this.db.roundTrip(
      (session) =>
        (options?.columnNames
          ? this.on(session).raw<T>({ columnNames: true })
          : this.on(session).raw<T>()) as Promise<T[]>,
    );
  }
}
