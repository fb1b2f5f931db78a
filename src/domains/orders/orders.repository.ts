import { and, asc, desc, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { Database } from "../../db/client";
import { CompiledShapes, compileInsert } from "../../db/compiled";
import { isConstraintError } from "../../db/constraint-errors";
import { seekFrom } from "../../db/keyset";
import { asStatement, type Statement } from "../../db/unit-of-work";
import type { PageRequest } from "../../lib/cursor";
import type { OrderLine } from "./orders.pricing";
import { ORDERS_STATUS_CHECK, orderItems, orders } from "./orders.table";
import type { OrderStatus } from "./orders.values";

export type OrderRecord = typeof orders.$inferSelect;
export type OrderWithLines = OrderRecord & { items: OrderLine[] };
export type OrderFilter = { userId?: string | undefined; status?: OrderStatus | undefined };

export interface OrdersRepository {
  /**
   * The order row and its lines, for the caller's batch. With `maxOpen`, the insert aborts
   * the batch when the user already has that many placed orders as it runs
   * (`isOverOpenOrders` tells).
   */
  insert(order: OrderRecord, lines: OrderLine[], maxOpen?: number): Statement[];
  isOverOpenOrders(error: unknown): boolean;
  findById(id: string): Promise<OrderRecord | null>;
  /** The order and its lines (in placement order), in one round trip. */
  findWithLines(id: string): Promise<OrderWithLines | null>;
  /**
   * Newest first (created_at, id), at most `page.limit + 1` orders from the cursor on, each
   * with its lines: one round trip (the lines' query selects the same page as a subquery).
   */
  listWithLines(filter: OrderFilter, page: PageRequest): Promise<OrderWithLines[]>;
  /**
   * Moves the order from `from` to `to`, for the caller's batch. When the order is no longer
   * in `from` as the batch runs, the statement aborts the whole batch (so whatever else it
   * holds, such as returning stock, never happens twice); `isRefusedTransition` tells.
   */
  transition(id: string, from: OrderStatus, to: OrderStatus, at: string): Statement;
  isRefusedTransition(error: unknown): boolean;
  /** A line's product no longer exists (deleted since the read): its foreign key refused it. */
  isMissingProduct(error: unknown): boolean;
}

/** Each order with its lines, in the orders' order. */
function withLines(
  records: OrderRecord[],
  lines: (typeof orderItems.$inferSelect)[],
): OrderWithLines[] {
  const byOrder = new Map<string, OrderLine[]>(records.map((record) => [record.id, []]));
  for (const { orderId, position: _position, ...line } of lines) byOrder.get(orderId)?.push(line);
  return records.map((record) => ({ ...record, items: byOrder.get(record.id) ?? [] }));
}

/** Statuses the CHECK constraint refuses: writing one aborts the batch. */
const REFUSED_STATUS = "refused_transition";
const OVER_OPEN_ORDERS = "over_open_orders";

/** The order row as it is, or (`capped`) placed only while the user has fewer than `maxOpen`. */
const INSERT_ORDER = new CompiledShapes<{ capped: boolean }, OrderRecord & { maxOpen?: number }>(
  ({ capped }) => String(capped),
  ({ capped }, db, p) =>
    db.insert(orders).values({
      id: p.id,
      userId: p.userId,
      status: capped
        ? // As with transitions: a refused insert must abort the batch, not match no row,
          // so an impossible status makes the CHECK refuse it. The count uses the
          // (user_id, status, ...) index.
          sql`CASE WHEN (SELECT count(*) FROM ${orders} WHERE ${orders.userId} = ${p.userId} AND ${orders.status} = 'placed') < ${p.maxOpen} THEN 'placed' ELSE ${OVER_OPEN_ORDERS} END`
        : p.status,
      subtotalCents: p.subtotalCents,
      discountCents: p.discountCents,
      totalCents: p.totalCents,
      currency: p.currency,
      createdAt: p.createdAt,
      updatedAt: p.updatedAt,
    }),
);

const INSERT_LINE = compileInsert(orderItems, [
  "orderId",
  "productId",
  "position",
  "sku",
  "name",
  "unitPriceCents",
  "quantity",
  "lineTotalCents",
]);

export class D1OrdersRepository implements OrdersRepository {
  constructor(private readonly db: Database) {}

  insert(order: OrderRecord, lines: OrderLine[], maxOpen?: number): Statement[] {
    const capped = maxOpen !== undefined && order.status === "placed";
    const d1 = this.db.$client;
    // One insert per line: D1 binds at most 100 parameters per statement.
    return [
      asStatement(INSERT_ORDER.get({ capped }).bind(d1, { ...order, maxOpen })),
      ...lines.map((line, position) =>
        asStatement(INSERT_LINE.bind(d1, { ...line, orderId: order.id, position })),
      ),
    ];
  }

  async findById(id: string): Promise<OrderRecord | null> {
    const [row] = await this.db.select().from(orders).where(eq(orders.id, id)).limit(1);
    return row ?? null;
  }

  async findWithLines(id: string): Promise<OrderWithLines | null> {
    const [found, lines] = await this.db.batch([
      this.db.select().from(orders).where(eq(orders.id, id)).limit(1),
      this.linesWhere(eq(orderItems.orderId, id)),
    ]);
    const [record] = found;
    return record ? (withLines([record], lines)[0] ?? null) : null;
  }

  async listWithLines(filter: OrderFilter, page: PageRequest): Promise<OrderWithLines[]> {
    const conditions: SQL[] = [];
    if (filter.userId !== undefined) conditions.push(eq(orders.userId, filter.userId));
    if (filter.status !== undefined) conditions.push(eq(orders.status, filter.status));
    if (page.cursor) conditions.push(seekFrom(orders.createdAt, orders.id, "desc", page.cursor));
    const where = and(...conditions);
    const newestFirst = [desc(orders.createdAt), desc(orders.id)];
    const pageIds = this.db
      .select({ id: orders.id })
      .from(orders)
      .where(where)
      .orderBy(...newestFirst)
      .limit(page.limit + 1);
    const [rows, lines] = await this.db.batch([
      this.db
        .select()
        .from(orders)
        .where(where)
        .orderBy(...newestFirst)
        .limit(page.limit + 1),
      this.linesWhere(inArray(orderItems.orderId, pageIds)),
    ]);
    return withLines(rows, lines);
  }

  private linesWhere(condition: SQL) {
    return this.db
      .select()
      .from(orderItems)
      .where(condition)
      .orderBy(asc(orderItems.orderId), asc(orderItems.position));
  }

  transition(id: string, from: OrderStatus, to: OrderStatus, at: string): Statement {
    return asStatement(
      this.db
        .update(orders)
        .set({
          // Not a WHERE condition: a statement that matched no row would let the rest of
          // the batch commit. An impossible status makes the CHECK abort it instead.
          status: sql`CASE WHEN ${orders.status} = ${from} THEN ${to} ELSE ${REFUSED_STATUS} END`,
          updatedAt: at,
        })
        .where(eq(orders.id, id)),
    );
  }

  isRefusedTransition(error: unknown): boolean {
    return isConstraintError(error, "check", ORDERS_STATUS_CHECK);
  }

  /** Only the placement's insert writes a computed status, so this CHECK failure is the cap. */
  isOverOpenOrders(error: unknown): boolean {
    return isConstraintError(error, "check", ORDERS_STATUS_CHECK);
  }

  isMissingProduct(error: unknown): boolean {
    return isConstraintError(error, "foreign_key");
  }
}
