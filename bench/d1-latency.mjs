// `npm run bench -- --d1-latency MS`: a D1 binding that waits MS before every round trip
// (one statement's first/all/run/raw, one batch, one exec), as a primary far away would.
// bench/server.mjs fronts each benchmarked Worker with an entry that swaps env.DB for this
// wrapper; the Worker's own code (the production bundle, the ceiling) is unchanged.

/** @param {number} ms */
const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A prepared statement whose calls that reach the database are delayed. */
class SlowStatement {
  /** @param {any} inner the real D1PreparedStatement @param {number} ms */
  constructor(inner, ms) {
    this.inner = inner;
    this.ms = ms;
  }
  /** @param {unknown[]} values */
  bind(...values) {
    return new SlowStatement(this.inner.bind(...values), this.ms);
  }
  /** @param {string} [column] */
  async first(column) {
    await wait(this.ms);
    return column === undefined ? this.inner.first() : this.inner.first(column);
  }
  async all() {
    await wait(this.ms);
    return this.inner.all();
  }
  async run() {
    await wait(this.ms);
    return this.inner.run();
  }
  /** @param {unknown} [options] */
  async raw(options) {
    await wait(this.ms);
    return this.inner.raw(options);
  }
}

/** The database or one of its sessions (D1 Sessions API), delayed the same way. */
class SlowDatabase {
  /** @param {any} inner a D1Database or D1DatabaseSession @param {number} ms */
  constructor(inner, ms) {
    this.inner = inner;
    this.ms = ms;
  }
  /** @param {string} sql */
  prepare(sql) {
    return new SlowStatement(this.inner.prepare(sql), this.ms);
  }
  /** @param {SlowStatement[]} statements */
  async batch(statements) {
    await wait(this.ms);
    return this.inner.batch(statements.map((statement) => statement.inner));
  }
  /** @param {string} sql */
  async exec(sql) {
    await wait(this.ms);
    return this.inner.exec(sql);
  }
  /** @param {string} [constraintOrBookmark] */
  withSession(constraintOrBookmark) {
    return new SlowDatabase(this.inner.withSession(constraintOrBookmark), this.ms);
  }
  getBookmark() {
    return this.inner.getBookmark();
  }
  dump() {
    return this.inner.dump();
  }
}

/** @type {WeakMap<object, object>} */
const wrapped = new WeakMap();

/**
 * The env with DB delayed, built once per env object (workerd passes the same one to
 * every request of an isolate).
 * @template {{ DB: unknown }} E @param {E} env @param {number} ms @returns {E}
 */
export function withD1Latency(env, ms) {
  let slow = wrapped.get(env);
  if (!slow) {
    slow = { ...env, DB: new SlowDatabase(env.DB, ms) };
    wrapped.set(env, slow);
  }
  return /** @type {E} */ (slow);
}
