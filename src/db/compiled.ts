/**
 * Queries whose SQL Drizzle builds once per isolate instead of once per request.
 *
 * Building a query (the builder objects, the SQL chunks, the text) cost a product read
 * about as much CPU as the rest of its data layer. The text and the order of the
 * parameters are the same on every request; only the values change. So a repository
 * writes its query with Drizzle once, with a named placeholder wherever a value goes, and
 * each request only fills the values in and prepares the statement on its own D1 (the
 * request's session wrapper, which counts the round trip and lets reads ride along with it,
 * exactly as for a query Drizzle runs). Nothing is built at module load (that would be
 * startup CPU): the first request that needs a query builds it.
 */

import {
  type Column,
  fillPlaceholders,
  getTableColumns,
  type InferInsertModel,
  type InferSelectModel,
  type Placeholder,
  type Query,
  sql,
  type Table,
} from "drizzle-orm";
import type { SelectResultFields } from "drizzle-orm/query-builders/select.types";
import type { SQLiteTable } from "drizzle-orm/sqlite-core";
import { createDatabase, type Database } from "./client";

/** Anything Drizzle can turn into SQL text and parameters: a select, insert, update or delete. */
export type Buildable = { toSQL(): Query };

/** Statements are prepared on the request's D1 (RequestD1), or on the binding (jobs, tests). */
export type Preparer = Pick<D1Database, "prepare">;

/** The query's values by placeholder name. */
export type Values = Record<string, unknown>;

/** A placeholder per value name: `p.id` stands where the value `id` goes. */
export type Placeholders<V extends Values> = { readonly [K in keyof V & string]-?: Placeholder<K> };

/** A D1 that refuses to run anything: the compiling Drizzle only ever produces SQL text. */
const UNCONNECTED = new Proxy(
  {},
  {
    get() {
      throw new Error("The compiling Drizzle has no database: bind a compiled query to a D1");
    },
  },
) as D1Database;

let compiler: Database | undefined;

function placeholders<V extends Values>(): Placeholders<V> {
  return new Proxy({} as Placeholders<V>, { get: (_, name) => sql.placeholder(String(name)) });
}

export class CompiledQuery<V extends Values> {
  #query: Query | undefined;

  constructor(private readonly build: (db: Database, p: Placeholders<V>) => Buildable) {}

  /** The SQL text and its parameters (placeholders where the values go), built on first use. */
  get query(): Query {
    if (this.#query === undefined) {
      compiler ??= createDatabase(UNCONNECTED);
      this.#query = this.build(compiler, placeholders<V>()).toSQL();
    }
    return this.#query;
  }

  /** The SQL text with `values` in place, for a read that rides along (RidingRead). */
  with(values: V): Query {
    const { sql: text, params } = this.query;
    return { sql: text, params: fillPlaceholders(params, values) };
  }

  /** The statement with `values`, prepared on `d1` (unrun: a call or a batch runs it). */
  bind(d1: Preparer, values: V): D1PreparedStatement {
    const { sql: text, params } = this.with(values);
    return d1.prepare(text).bind(...params);
  }
}

/**
 * A query written once, with a placeholder (`p.<name>`) for each value, compiled on first use:
 * `compile<{ id: string }>((db, p) => db.select().from(t).where(eq(t.id, p.id)))`.
 */
export function compile<V extends Values = Record<string, never>>(
  build: (db: Database, p: Placeholders<V>) => Buildable,
): CompiledQuery<V> {
  return new CompiledQuery(build);
}

/**
 * An `IN` list of `count` placeholders (`id0`, `id1`, ...) for a query compiled per number of
 * values (`CompiledShapes` keyed by the count); `listValues` names the values alike.
 */
export function listPlaceholders(p: Placeholders<Values>, prefix: string, count: number) {
  return Array.from({ length: count }, (_, i) => p[`${prefix}${i}`] as Placeholder);
}

/** The values for `listPlaceholders(p, prefix, values.length)`, by placeholder name. */
export function listValues<T>(prefix: string, values: readonly T[]): Record<string, T> {
  return Object.fromEntries(values.map((value, i) => [`${prefix}${i}`, value]));
}

/**
 * Queries whose SQL text depends on the request (which filters it sets, which sort, how many
 * ids), compiled once per shape. `keyOf` names the shape, never a value, so the number of
 * entries is bounded by the shapes a caller can produce; past `MAX_SHAPES` (a bug in a key)
 * a query is compiled for its request alone rather than kept.
 */
export class CompiledShapes<S, V extends Values> {
  static readonly MAX_SHAPES = 1024;
  readonly #byKey = new Map<string, CompiledQuery<V>>();

  constructor(
    private readonly keyOf: (shape: S) => string,
    private readonly build: (shape: S, db: Database, p: Placeholders<V>) => Buildable,
  ) {}

  get(shape: S): CompiledQuery<V> {
    const key = this.keyOf(shape);
    const known = this.#byKey.get(key);
    if (known) return known;
    const query = compile<V>((db, p) => this.build(shape, db, p));
    if (this.#byKey.size < CompiledShapes.MAX_SHAPES) this.#byKey.set(key, query);
    return query;
  }

  /** How many shapes are kept (for tests). */
  get size(): number {
    return this.#byKey.size;
  }
}

/**
 * `insert(table).values(record)` for records with exactly the columns `keys` (default:
 * every column); the others get their declared default, as Drizzle writes it (a constant).
 * A column whose default is computed in JS (`$defaultFn`, `$onUpdate`) would be computed
 * once for every row, so such a column must be bound.
 */
export function compileInsert<
  T extends SQLiteTable,
  K extends keyof InferInsertModel<T> & string = keyof InferInsertModel<T> & string,
>(table: T, keys?: readonly K[]): CompiledQuery<Pick<InferInsertModel<T>, K>> {
  return compile<Pick<InferInsertModel<T>, K>>((db, p) => {
    const columns = Object.entries(getTableColumns(table)) as [K, Column][];
    const bound = keys ?? columns.map(([key]) => key);
    for (const [key, column] of columns) {
      const computed = column.defaultFn !== undefined || column.onUpdateFn !== undefined;
      if (computed && !bound.includes(key)) {
        throw new Error(`compileInsert: ${key} has a computed default; bind it`);
      }
    }
    const values = Object.fromEntries(bound.map((key) => [key, p[key]]));
    // Every value is a placeholder named after its column's key.
    return db.insert(table).values(values as T["$inferInsert"]);
  });
}

/**
 * Reads rows of `columns` (a selection: key → column) as Drizzle maps them: D1's raw rows
 * (values in the selection's order, the order Drizzle selects them in) into records, each
 * value through its column's decoder (null stays null).
 */
export function columnRows<C extends Record<string, Column>>(
  columns: C,
): (row: unknown[]) => SelectResultFields<C> {
  const entries = Object.entries(columns);
  return (row) => {
    const record: Record<string, unknown> = {};
    for (let i = 0; i < entries.length; i++) {
      const [key, column] = entries[i] as (typeof entries)[number];
      const value = row[i];
      record[key] = value === null ? null : column.mapFromDriverValue(value);
    }
    // Each key is one of the selection's columns, decoded by that column.
    return record as SelectResultFields<C>;
  };
}

/** `columnRows` for `select().from(table)`: every column, in the table's order. */
export function tableRows<T extends Table>(table: T): (row: unknown[]) => InferSelectModel<T> {
  return columnRows(getTableColumns(table)) as (row: unknown[]) => InferSelectModel<T>;
}

/**
 * A batch result's rows as raw rows: D1 gives a batch's rows as objects, keyed by column
 * name in the SELECT's order (a single-table selection's names are unique).
 */
export function batchRows(result: unknown): unknown[][] {
  const rows = (result as D1Result<Record<string, unknown>>).results ?? [];
  return rows.map((row) => Object.values(row));
}

/** A query Drizzle built for this request (not compiled), as a statement of `d1`. */
export function prepareBuilt(d1: Preparer, query: Buildable): D1PreparedStatement {
  const { sql: text, params } = query.toSQL();
  return d1.prepare(text).bind(...params);
}
