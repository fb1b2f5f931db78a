import type { BatchItem } from "drizzle-orm/batch";
import type { Database } from "./client";

declare const statementBrand: unique symbol;

/**
 * A write a repository has built but not run. Opaque to services: only a UnitOfWork
 * executes it, which lets unit tests substitute in-memory statements for D1 ones.
 */
export type Statement = { readonly [statementBrand]: true };

export function asStatement(item: BatchItem<"sqlite">): Statement {
  return item as unknown as Statement;
}

/**
 * A read a repository built for a caller's write batch (it runs inside that transaction,
 * so it needs no round trip of its own), and how to read its answer from the batch result.
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
  private readonly statements: BatchItem<"sqlite">[] = [];

  constructor(private readonly db: Database) {}

  add(...statements: Statement[]): this {
    for (const statement of statements) {
      this.statements.push(statement as unknown as BatchItem<"sqlite">);
    }
    return this;
  }

  async commit(): Promise<unknown[]> {
    const [first, ...rest] = this.statements;
    if (!first) return [];
    return this.db.batch([first, ...rest]);
  }
}

export function d1UnitOfWork(db: Database): UnitOfWorkFactory {
  return { begin: () => new D1UnitOfWork(db) };
}
