import { sql } from "drizzle-orm";
import { check, index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** The CHECK that refuses an oversell; the repository tells its failure apart by this name. */
export const PRODUCTS_STOCK_CHECK = "products_stock_non_negative";

export const products = sqliteTable(
  "products",
  {
    id: text("id").primaryKey(),
    sku: text("sku").notNull().unique(),
    name: text("name").notNull(),
    description: text("description").notNull().default(""),
    priceCents: integer("price_cents").notNull(),
    currency: text("currency").notNull().default("USD"),
    stock: integer("stock").notNull(),
    /** Bumped on every write; the ETag and If-Match are derived from it. */
    version: integer("version").notNull().default(1),
    /** Set instead of deleting a product that appears on an order. */
    archivedAt: text("archived_at"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    // One index per allowed sort, with id as the keyset tie-break. Partial: the catalog
    // never shows archived products, so their rows are never scanned.
    index("products_created_at_id_idx").on(t.createdAt, t.id).where(sql`archived_at IS NULL`),
    index("products_price_id_idx").on(t.priceCents, t.id).where(sql`archived_at IS NULL`),
    index("products_name_id_idx").on(t.name, t.id).where(sql`archived_at IS NULL`),
    index("products_updated_at_idx").on(t.updatedAt),
    // The database refuses an oversell even when two requests race past the service's read.
    check(PRODUCTS_STOCK_CHECK, sql`${t.stock} >= 0`),
    check("products_price_non_negative", sql`${t.priceCents} >= 0`),
  ],
);

export type ProductRow = typeof products.$inferSelect;
