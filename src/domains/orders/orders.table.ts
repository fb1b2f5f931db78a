import { sql } from "drizzle-orm";
import { check, index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { oneOf } from "../../db/checks";
import { products } from "../products/products.table";
import { users } from "../users/users.table";
import { ORDER_STATUSES } from "./orders.values";

/** The CHECK that refuses a transition from a state the order has left (see the repository). */
export const ORDERS_STATUS_CHECK = "orders_status_check";

export const orders = sqliteTable(
  "orders",
  {
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "restrict" }),
    status: text("status", { enum: ORDER_STATUSES }).notNull(),
    subtotalCents: integer("subtotal_cents").notNull(),
    discountCents: integer("discount_cents").notNull(),
    totalCents: integer("total_cents").notNull(),
    currency: text("currency").notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    // One index per list filter (user, status, both, none), each ending in the keyset
    // (created_at, id), so a page reads at most limit + 1 rows whatever the filter.
    index("orders_user_created_id_idx").on(t.userId, t.createdAt, t.id),
    index("orders_created_id_idx").on(t.createdAt, t.id),
    index("orders_status_created_id_idx").on(t.status, t.createdAt, t.id),
    index("orders_user_status_created_id_idx").on(t.userId, t.status, t.createdAt, t.id),
    check(ORDERS_STATUS_CHECK, oneOf(t.status, ORDER_STATUSES)),
    check("orders_amounts_check", sql`${t.totalCents} >= 0 AND ${t.discountCents} >= 0`),
  ],
);

/** Lines snapshot sku, name and price at placement, so history survives catalog edits. */
export const orderItems = sqliteTable(
  "order_items",
  {
    orderId: text("order_id")
      .notNull()
      .references(() => orders.id, { onDelete: "cascade" }),
    productId: text("product_id")
      .notNull()
      .references(() => products.id, { onDelete: "restrict" }),
    position: integer("position").notNull(),
    sku: text("sku").notNull(),
    name: text("name").notNull(),
    unitPriceCents: integer("unit_price_cents").notNull(),
    quantity: integer("quantity").notNull(),
    lineTotalCents: integer("line_total_cents").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.orderId, t.productId] }),
    index("order_items_product_idx").on(t.productId),
    check("order_items_quantity_check", sql`${t.quantity} > 0`),
  ],
);
