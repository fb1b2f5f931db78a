import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const users = sqliteTable(
  "users",
  {
    id: text("id").primaryKey(),
    /** Stored lower-cased, so uniqueness and lookups ignore case. */
    email: text("email").notNull().unique(),
    name: text("name").notNull(),
    passwordHash: text("password_hash").notNull(),
    role: text("role", { enum: ["customer", "admin"] })
      .notNull()
      .default("customer"),
    tier: text("tier", { enum: ["standard", "premium"] })
      .notNull()
      .default("standard"),
    isActive: integer("is_active", { mode: "boolean" }).notNull().default(true),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    index("users_created_at_id_idx").on(t.createdAt, t.id),
    check("users_role_check", sql`${t.role} IN ('customer', 'admin')`),
    check("users_tier_check", sql`${t.tier} IN ('standard', 'premium')`),
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
