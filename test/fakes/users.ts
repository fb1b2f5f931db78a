import type { Statement } from "../../src/db/unit-of-work";
import type {
  UserChanges,
  UserFilter,
  UsersRepository,
} from "../../src/domains/users/users.repository";
import type { UserRow } from "../../src/domains/users/users.table";
import type { PageRequest } from "../../src/lib/cursor";
import { fakeStatement, labelledStatement, mapSnapshot, type Transactional } from "./unit-of-work";

/** What the users' CHECK and foreign keys do to a batch (D1 aborts it). */
export class FakeLastAdminRefusal extends Error {}
export class FakeReferencedUser extends Error {}

export class FakeUsersRepository implements UsersRepository, Transactional {
  readonly rows = new Map<string, UserRow>();
  /** Ids that orders reference (ON DELETE RESTRICT). */
  readonly referenced = new Set<string>();

  add(row: Partial<UserRow> & { id: string; email: string }): UserRow {
    const full: UserRow = {
      name: "Test",
      passwordHash: "hash:password",
      role: "customer",
      tier: "standard",
      isActive: true,
      createdAt: "2026-11-01T00:00:00.000Z",
      updatedAt: "2026-11-01T00:00:00.000Z",
      ...row,
    };
    this.rows.set(full.id, full);
    return full;
  }

  async findById(id: string) {
    return this.rows.get(id) ?? null;
  }
  findInBatch(id: string) {
    return {
      statement: fakeStatement(() => this.rows.get(id) ?? null, "users.find"),
      read: (result: unknown) => result as UserRow | null,
    };
  }
  async findByEmail(email: string) {
    return [...this.rows.values()].find((row) => row.email === email) ?? null;
  }
  async insert(row: UserRow) {
    if (await this.findByEmail(row.email)) return "email_taken" as const;
    this.rows.set(row.id, row);
    return "created" as const;
  }
  update(id: string, changes: UserChanges): Statement {
    return labelledStatement(`users.update:${Object.keys(changes).sort().join(",")}`, () => {
      const row = this.rows.get(id);
      if (!row) return 0;
      this.rows.set(id, { ...row, ...changes });
      return 1;
    });
  }
  async delete(id: string) {
    if (!this.rows.has(id)) return "not_found" as const;
    if (this.referenced.has(id)) return "referenced" as const;
    this.rows.delete(id);
    return "deleted" as const;
  }
  guardLastActiveAdmin(id: string, at: string): Statement {
    return labelledStatement("users.guard_last_admin", () => {
      const row = this.rows.get(id);
      if (!row) return 0;
      const others = [...this.rows.values()].filter(
        (other) => other.id !== id && other.role === "admin" && other.isActive,
      );
      if (row.role === "admin" && row.isActive && others.length === 0) {
        throw new FakeLastAdminRefusal();
      }
      this.rows.set(id, { ...row, updatedAt: at });
      return 1;
    });
  }
  isLastAdminRefusal(error: unknown) {
    return error instanceof FakeLastAdminRefusal;
  }
  deleteStatement(id: string): Statement {
    return labelledStatement("users.delete", () => {
      if (this.referenced.has(id)) throw new FakeReferencedUser();
      return this.rows.delete(id) ? 1 : 0;
    });
  }
  isReferenced(error: unknown) {
    return error instanceof FakeReferencedUser;
  }
  snapshot() {
    return mapSnapshot(this.rows);
  }
  async list(filter: UserFilter, page: PageRequest) {
    return [...this.rows.values()]
      .filter((row) => !filter.role || row.role === filter.role)
      .sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1))
      .slice(0, page.limit + 1);
  }
}
