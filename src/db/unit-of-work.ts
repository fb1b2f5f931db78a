import type { Database } from "./client";
import { type Buildable, prepareBuilt } from "./compiled";

declare const statementBrand: unique symbol;

/**
 * A write a repository has built but not run. Opaque to services: only a UnitOfWork
 * executes it, which lets unit tests substitute in-memory statements for D1 ones.
 */
export type Statement = { readonly [statementBrand]: true };

/** A Drizzle query, or a compiled one bound to this request's D1 (src/db/compiled.ts). */
type BatchStatement = Buildable | D1PreparedStatement;

function isBuilt(statement: BatchStatement): statement is Buildable {
  return "toSQL" in statement;
}

export function asStatement(item: BatchStatement): Statement {
  return item as unknown as Statement;
}

/**
 * A read a repository built for a caller's write batch (it runs inside that transaction,
 * so it needs no round trip of its own), and how to read its answer from the batch result
 * (D1's own result: rows as objects keyed by column name, not Drizzle's mapping).
 */
export type BatchRead<T> = { statement: Statement; read(result: unknown): T };

/** Rows a committed statement changed, read from its D1 result. */
export function changedRows(result: unknown): number {
  const meta = (result as { meta?: { changes?: number } } | undefined)?.meta;
  return meta?.changes ?? 0;
}

/**
 * D1 has no interactive transactions: one `batch()` is one transaction. Services collect
 * the statements repositories build and commit them together: all succeed or none do.
 * The results are D1's own (`meta.changes` for a write), in the order the statements were added.
 */
export interface UnitOfWork {
  add(...statements: Statement[]): this;
  /** Runs every statement atomically; results in the order they were added. */
  commit(): Promise<unknown[]>;
}

export interface UnitOfWorkFactory {
  begin(): UnitOfWork;
}

class D1UnitOfWork implements UnitOfWork {
  private readonly statements: BatchStatement[] = [];

  constructor(private readonly db: Database) {}

  add(...statements: Statement[]): this {
    for (const statement of statements) {
      this.statements.push(statement as unknown as BatchStatement);
    }
    return this;
  }

  /**
   * One D1 batch on the request's D1 (Drizzle's batch could not hold compiled statements):
   * a Drizzle query is prepared from its SQL here, a compiled one is already.
   */
  async commit(): Promise<unknown[]> {
    if (this.statements.length === 0) return [];
    const d1 = this.db.$client;
    return d1.batch(this.statements.map((s) => (isBuilt(s) ? prepareBuilt(d1, s) : s)));
  }
}

export function d1UnitOfWork(db: Database): UnitOfWorkFactory {
  return { begin: () => new D1UnitOfWork(db) };
}
