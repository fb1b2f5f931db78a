import type { Statement, UnitOfWork, UnitOfWorkFactory } from "../../src/db/unit-of-work";

/**
 * In-memory stand-ins for D1 batches, for service unit tests. A fake repository builds a
 * statement from a step that changes its in-memory state (throwing to refuse, as a
 * constraint would) and returns its result like D1 does (`{ meta: { changes } }`).
 */
export type FakeStep = () => unknown;

type FakeEntry = { step: FakeStep; label: string };

/** `label` names the statement in `FakeUnitOfWork.commits`, for tests of what is written together. */
export function fakeStatement(step: FakeStep, label = "statement"): Statement {
  return { step, label } satisfies FakeEntry as unknown as Statement;
}

/** D1's result for a write that changed `changes` rows. */
export function changed(changes: number) {
  return { meta: { changes } };
}

/** In-memory state a failed batch puts back: `snapshot()` returns the restore function. */
export interface Transactional {
  snapshot(): () => void;
}

class FakeBatch implements UnitOfWork {
  private readonly entries: FakeEntry[] = [];

  constructor(private readonly run: (entries: FakeEntry[]) => Promise<unknown[]>) {}

  add(...statements: Statement[]): this {
    for (const statement of statements) this.entries.push(statement as unknown as FakeEntry);
    return this;
  }

  commit(): Promise<unknown[]> {
    return this.run(this.entries);
  }
}

/** Commits steps in order; when one throws, every store is restored: all or nothing, like D1. */
export class FakeUnitOfWork implements UnitOfWorkFactory {
  /** Batches committed, and batches rolled back. */
  committed = 0;
  rolledBack = 0;
  /** The labels of each committed batch's statements, in order. */
  readonly commits: string[][] = [];
  /** Runs before each commit's first step, to simulate a concurrent writer. */
  beforeCommit: (() => void) | undefined;

  constructor(private readonly stores: Transactional[] = []) {}

  begin(): UnitOfWork {
    return new FakeBatch(async (entries) => {
      this.beforeCommit?.();
      const restores = this.stores.map((store) => store.snapshot());
      try {
        const results = entries.map((entry) => entry.step());
        this.commits.push(entries.map((entry) => entry.label));
        this.committed += 1;
        return results;
      } catch (error) {
        for (const restore of restores) restore();
        this.rolledBack += 1;
        throw error;
      }
    });
  }
}

/** Snapshot/restore for a Map of immutable records. */
export function mapSnapshot<K, V>(map: Map<K, V>): () => void {
  const copy = new Map(map);
  return () => {
    map.clear();
    for (const [key, value] of copy) map.set(key, value);
  };
}

/** A statement whose step returns the number of rows it changed, as D1 reports it. */
export function labelledStatement(label: string, run: () => number): Statement {
  return fakeStatement(() => changed(run()), label);
}
