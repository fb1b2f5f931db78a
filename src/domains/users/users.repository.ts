import { and, desc, eq, type SQL, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { batchRows, columnRows } from "../../db/compiled";
import { isConstraintError } from "../../db/constraint-errors";
import { seekFrom } from "../../db/keyset";
import { containsText } from "../../db/text-search";
import { asStatement, type BatchRead, changedRows, type Statement } from "../../db/unit-of-work";
import type { PageRequest } from "../../lib/cursor";
import {
  type NewUserRow,
  principalColumns,
  USERS_ROLE_CHECK,
  type UserRow,
  users,
} from "./users.table";
import type { Role, Tier } from "./users.values";

export type UserFilter = { role?: Role; tier?: Tier; isActive?: boolean; q?: string };

export type UserChanges = Partial<
  Pick<UserRow, "email" | "name" | "role" | "tier" | "isActive" | "passwordHash">
> & { updatedAt: string };

/** What a principal check needs of the user's row. */
export type PrincipalRow = Pick<UserRow, "id" | "email" | "role" | "tier" | "isActive">;

export interface UsersRepository {
  findById(id: string): Promise<UserRow | null>;
  /**
   * What a principal check needs of the user, read inside a caller's write batch. (Every
   * request's own check is the auth domain's: it reads the token's session too.)
   */
  findInBatch(id: string): BatchRead<PrincipalRow | null>;
  /** `email` must already be normalised (lower-cased). */
  findByEmail(email: string): Promise<UserRow | null>;
  insert(row: NewUserRow): Promise<"created" | "email_taken">;
  update(id: string, changes: UserChanges): Statement;
  delete(id: string): Promise<"deleted" | "not_found" | "referenced">;
  /**
   * For the caller's batch: aborts it when `id` is the last active admin as it runs
   * (`isLastAdminRefusal` tells), so racing self-deletions cannot remove every admin.
   */
  guardLastActiveAdmin(id: string, at: string): Statement;
  isLastAdminRefusal(error: unknown): boolean;
  /** The hard delete, for the caller's batch; orders (ON DELETE RESTRICT) make it fail. */
  deleteStatement(id: string): Statement;
  /** Orders still reference the user: `isReferenced` tells a failed delete apart. */
  isReferenced(error: unknown): boolean;
  /** Newest first, at most `page.limit + 1` rows (the extra one says there is a next page). */
  list(filter: UserFilter, page: PageRequest): Promise<UserRow[]>;
}

/** A role the CHECK constraint refuses: writing it aborts the batch. */
const LAST_ADMIN = "last_active_admin";

const principalRow = columnRows(principalColumns);

export class D1UsersRepository implements UsersRepository {
  constructor(private readonly db: Database) {}

  findInBatch(id: string): BatchRead<PrincipalRow | null> {
    const query = this.db.select(principalColumns).from(users).where(eq(users.id, id)).limit(1);
    return {
      statement: asStatement(query),
      read: (result) => {
        const [row] = batchRows(result);
        return row ? principalRow(row) : null;
      },
    };
  }

  async findById(id: string): Promise<UserRow | null> {
    const [row] = await this.db.select().from(users).where(eq(users.id, id)).limit(1);
    return row ?? null;
  }

  async findByEmail(email: string): Promise<UserRow | null> {
    const [row] = await this.db.select().from(users).where(eq(users.email, email)).limit(1);
    return row ?? null;
  }

  async insert(row: NewUserRow): Promise<"created" | "email_taken"> {
    try {
      await this.db.insert(users).values(row);
      return "created";
    } catch (error) {
      if (isConstraintError(error, "unique")) return "email_taken";
      throw error;
    }
  }

  update(id: string, changes: UserChanges): Statement {
    return asStatement(this.db.update(users).set(changes).where(eq(users.id, id)));
  }

  async delete(id: string): Promise<"deleted" | "not_found" | "referenced"> {
    try {
      const result = await this.db.delete(users).where(eq(users.id, id));
      return changedRows(result) > 0 ? "deleted" : "not_found";
    } catch (error) {
      // orders.user_id is ON DELETE RESTRICT: a user with orders keeps their history.
      if (isConstraintError(error, "foreign_key")) return "referenced";
      throw error;
    }
  }

  guardLastActiveAdmin(id: string, at: string): Statement {
    const otherActiveAdmins = sql`(SELECT count(*) FROM ${users} AS others WHERE others.role = 'admin' AND others.is_active = 1 AND others.id != ${id})`;
    return asStatement(
      this.db
        .update(users)
        .set({
          // As with order transitions: an impossible role makes the CHECK abort the batch,
          // where a WHERE condition would only match no row and let the batch commit.
          role: sql`CASE WHEN ${users.role} = 'admin' AND ${users.isActive} = 1 AND ${otherActiveAdmins} = 0 THEN ${LAST_ADMIN} ELSE ${users.role} END`,
          updatedAt: at,
        })
        .where(eq(users.id, id)),
    );
  }

  isLastAdminRefusal(error: unknown): boolean {
    return isConstraintError(error, "check", USERS_ROLE_CHECK);
  }

  deleteStatement(id: string): Statement {
    return asStatement(this.db.delete(users).where(eq(users.id, id)));
  }

  isReferenced(error: unknown): boolean {
    return isConstraintError(error, "foreign_key");
  }

  async list(filter: UserFilter, page: PageRequest): Promise<UserRow[]> {
    const conditions: (SQL | undefined)[] = [];
    if (filter.role) conditions.push(eq(users.role, filter.role));
    if (filter.tier) conditions.push(eq(users.tier, filter.tier));
    if (filter.isActive !== undefined) conditions.push(eq(users.isActive, filter.isActive));
    if (filter.q) conditions.push(containsText(filter.q, users.email, users.name));
    if (page.cursor) conditions.push(seekFrom(users.createdAt, users.id, "desc", page.cursor));
    return this.db
      .select()
      .from(users)
      .where(and(...conditions))
      .orderBy(desc(users.createdAt), desc(users.id))
      .limit(page.limit + 1);
  }
}
