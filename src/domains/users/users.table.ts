import { check, index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { oneOf } from "../../db/checks";
import { ROLES, TIERS } from "./users.values";

/** The CHECK a repository recognises: an impossible role aborts the batch it rides in. */
export const USERS_ROLE_CHECK = "users_role_check";

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    /** Stored lower-cased, so uniqueness and lookups ignore case. */
    email: text("email").notNull().unique(),
    name: text("name").notNull(),
    passwordHash: text("password_hash").notNull(),
    role: text("role", { enum: ROLES }).notNull().default("customer"),
    tier: text("tier", { enum: TIERS }).notNull().default("standard"),
    isActive: integer("is_active", { mode: "boolean" }).notNull().default(true),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    index("users_created_at_id_idx").on(t.createdAt, t.id),
    check(USERS_ROLE_CHECK, oneOf(t.role, ROLES)),
    check("users_tier_check", oneOf(t.tier, TIERS)),
  ],
);

export type UserRow = typeof users.$inferSelect;
export type NewUserRow = typeof users.$inferInsert;

/**
 * What a principal check reads of an account, for every query that makes one (the auth
 * domain's session check adds its own column to it).
 */
export const principalColumns = {
  id: users.id,
  email: users.email,
  role: users.role,
  tier: users.tier,
  isActive: users.isActive,
};
