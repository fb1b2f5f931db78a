import type { Statement, UnitOfWorkFactory } from "../../db/unit-of-work";
import { type Clock, isoNow } from "../../lib/clock";
import { newestFirstPage, type Page } from "../../lib/cursor";
import { ForbiddenError } from "../../lib/errors";
import { newId } from "../../lib/ids";
import type { RateLimiter } from "../../lib/rate-limit";
import type { MailService } from "../mail/mail.service";
import { ProductNotFoundError } from "../products/products.errors";
import type { ProductRecord, ProductsService } from "../products/products.service";
import type { Role, Tier } from "../users/users.values";
import {
  InvalidOrderStateError,
  OrderNotFoundError,
  OutOfStockError,
  type Shortage,
  TooManyOpenOrdersError,
} from "./orders.errors";
import { assertValidLines, type OrderLine, priceOrder } from "./orders.pricing";
import type { OrderRecord, OrdersRepository } from "./orders.repository";
import { MAX_OPEN_ORDERS, type OrderStatus } from "./orders.values";

export type Order = OrderRecord & { items: OrderLine[] };
export type OrderLineInput = { productId: string; quantity: number };
/**
 * Who places an order: the principal, read fresh for this request (tier gives the discount,
 * role the open-orders cap).
 */
export type Customer = { id: string; email: string; tier: Tier; role: Role };
/**
 * The customer, or how to get them once the catalog has been read: the principal's account
 * is checked with the request's first read, so its tier and email are known only after it.
 */
export type CustomerSource = Customer | (() => Promise<Customer>);
/** Who reads or changes an order: customers see only their own, admins every one. */
export type Actor = { id: string; role: Role };
export type ListOrdersQuery = {
  status?: OrderStatus | undefined;
  userId?: string | undefined;
  limit: number;
  cursor?: string | undefined;
};
/** The placed order and the outbox rows its batch committed, to dispatch after the response. */
export type Placement = { order: Order; mail: string[] };

/** What orders need from the users domain: `getById` throws user_not_found. */
export type UserLookup = { getById(userId: string): Promise<unknown> };
export type OrderMail = Pick<MailService, "compose">;

export type OrdersServiceDeps = {
  orders: OrdersRepository;
  products: ProductsService;
  users: UserLookup;
  mail: OrderMail;
  /** Placements per customer (wrangler.toml ORDER_PLACE_LIMITER). */
  placeLimiter: RateLimiter;
  unitOfWork: UnitOfWorkFactory;
  clock: Clock;
};

/** Statements a caller commits in the order's own batch (the Idempotency-Key record). */
export type AlsoCommit = (order: Order) => Statement[];

/** The first line whose product is missing, or each line the stock cannot cover. */
function refusal(lines: readonly OrderLineInput[], found: ProductRecord[]): Error | null {
  const byId = new Map(found.map((product) => [product.id, product]));
  const missing = lines.find((line) => !byId.has(line.productId));
  if (missing) return new ProductNotFoundError(missing.productId);
  const shortages: Shortage[] = lines.flatMap((line) => {
    const product = byId.get(line.productId) as ProductRecord;
    return product.stock >= line.quantity
      ? []
      : [{ name: product.name, asked: line.quantity, available: product.stock }];
  });
  return shortages.length > 0 ? new OutOfStockError(shortages) : null;
}

export class OrdersService {
  constructor(private readonly deps: OrdersServiceDeps) {}

  /**
   * Prices the lines from one read of the catalog, then commits one batch: the order, its
   * lines, a stock decrement per line, the confirmation email and `alsoCommit`'s
   * statements. Each decrement holds only while the product still has the stock, is not
   * archived and has the price the order was computed from: the database refuses the batch
   * otherwise, so orders racing past the read cannot oversell and a price change cannot
   * slip into an order. A refused batch is out_of_stock (or product_not_found), unless only
   * a price moved: then the order is priced again from a fresh read, once. The cap on a
   * customer's placed orders is checked by the order's own insert as the batch runs (no
   * extra read, and racing placements cannot pass it together).
   */
  async place(
    source: CustomerSource,
    lines: OrderLineInput[],
    alsoCommit: AlsoCommit = () => [],
  ): Promise<Placement> {
    assertValidLines(lines);
    const { products, orders } = this.deps;
    const ids = lines.map((line) => line.productId);
    let found = await products.findForOrder(ids);
    const customer = typeof source === "function" ? await source() : source;
    await this.deps.placeLimiter.consume(customer.id);
    for (let attempt = 1; ; attempt += 1) {
      const refused = refusal(lines, found);
      if (refused) throw refused;
      try {
        return await this.commitOrder(customer, lines, found, alsoCommit);
      } catch (error) {
        if (orders.isOverOpenOrders(error)) throw new TooManyOpenOrdersError(MAX_OPEN_ORDERS);
        // Only the catalog refuses a sale: someone took the stock, or archived, deleted or
        // repriced a product, since the read. Anything else (a taken key, D1 down) is not one.
        if (!products.isStockRefusal(error) && !orders.isMissingProduct(error)) throw error;
        // Read again to say which lines, as the first check would have.
        found = await products.findForOrder(ids);
        if (attempt === 2) throw refusal(lines, found) ?? new OutOfStockError([]);
      }
    }
  }

  private async commitOrder(
    customer: Customer,
    lines: OrderLineInput[],
    found: ProductRecord[],
    alsoCommit: AlsoCommit,
  ): Promise<Placement> {
    const byId = new Map(found.map((product) => [product.id, product]));
    const product = (id: string) => byId.get(id) as ProductRecord;
    const priced = priceOrder(
      lines.map((line) => ({ product: product(line.productId), quantity: line.quantity })),
      customer.tier,
    );
    const now = isoNow(this.deps.clock);
    const { items, ...totals } = priced;
    const record: OrderRecord = {
      id: newId(),
      userId: customer.id,
      status: "placed",
      ...totals,
      createdAt: now,
      updatedAt: now,
    };
    const order: Order = { ...record, items };
    const mail = await this.confirmation(customer.email, order);
    const { products, orders, unitOfWork } = this.deps;
    const maxOpen = customer.role === "admin" ? undefined : MAX_OPEN_ORDERS;
    // The caller's statements first: when they abort the batch (a concurrent request took
    // the Idempotency-Key), that is the failure reported, not a stock refusal it caused.
    const work = unitOfWork
      .begin()
      .add(...alsoCommit(order), ...orders.insert(record, items, maxOpen));
    for (const line of items) {
      work.add(products.reserveStock(product(line.productId), line.quantity, now));
    }
    await work.add(mail.statement).commit();
    return { order, mail: [mail.id] };
  }

  /** One round trip: the order comes with its lines, then visibility is checked. */
  async get(actor: Actor, orderId: string): Promise<Order> {
    const order = await this.deps.orders.findWithLines(orderId);
    // Someone else's order is not found, so its existence does not leak.
    if (!order || (actor.role !== "admin" && order.userId !== actor.id)) {
      throw new OrderNotFoundError(orderId);
    }
    return order;
  }

  /** Customers list their own orders only; admins every order, or one user's with `userId`. */
  async list(actor: Actor, query: ListOrdersQuery): Promise<Page<Order>> {
    if (actor.role !== "admin" && query.userId !== undefined && query.userId !== actor.id) {
      throw new ForbiddenError("Customers can only list their own orders");
    }
    const userId = actor.role === "admin" ? query.userId : actor.id;
    return this.page({ ...query, userId });
  }

  /** Admin view of one user's orders; user_not_found when the user does not exist. */
  async listForUser(userId: string, query: Omit<ListOrdersQuery, "userId">): Promise<Page<Order>> {
    await this.deps.users.getById(userId);
    return this.page({ ...query, userId });
  }

  /**
   * Owner or admin, only from placed. The status change and the stock coming back are one
   * batch, and the status change aborts it unless the order is still placed as it runs:
   * of two concurrent cancels, one restocks and the other gets invalid_order_state.
   */
  async cancel(actor: Actor, orderId: string): Promise<Order> {
    const order = await this.get(actor, orderId);
    const now = isoNow(this.deps.clock);
    const restock = order.items.map((line) =>
      this.deps.products.restock(line.productId, line.quantity, now),
    );
    return this.transition(order, "cancel", "cancelled", now, restock);
  }

  /** Admin only, only from placed. */
  async fulfill(actor: Actor, orderId: string): Promise<Order> {
    if (actor.role !== "admin") throw new ForbiddenError("Only admins fulfil orders");
    const order = await this.get(actor, orderId);
    return this.transition(order, "fulfill", "fulfilled", isoNow(this.deps.clock), []);
  }

  private async transition(
    order: Order,
    action: "cancel" | "fulfill",
    to: OrderStatus,
    now: string,
    effects: Statement[],
  ): Promise<Order> {
    // Checked here for a clear answer; the batch checks again, atomically.
    if (order.status !== "placed") throw new InvalidOrderStateError(action, order.status);
    const { orders, unitOfWork } = this.deps;
    try {
      await unitOfWork
        .begin()
        .add(orders.transition(order.id, "placed", to, now), ...effects)
        .commit();
    } catch (error) {
      if (!orders.isRefusedTransition(error)) throw error;
      const current = await orders.findById(order.id);
      throw new InvalidOrderStateError(action, current?.status ?? "gone");
    }
    return { ...order, status: to, updatedAt: now };
  }

  private page(query: ListOrdersQuery): Promise<Page<Order>> {
    return newestFirstPage(query, (request) =>
      this.deps.orders.listWithLines({ userId: query.userId, status: query.status }, request),
    );
  }

  private confirmation(to: string, order: Order) {
    return this.deps.mail.compose("order_confirmation", to, {
      order_id: order.id,
      currency: order.currency,
      subtotal_cents: order.subtotalCents,
      discount_cents: order.discountCents,
      total_cents: order.totalCents,
      items: order.items.map((item) => ({
        sku: item.sku,
        name: item.name,
        quantity: item.quantity,
        unit_price_cents: item.unitPriceCents,
        line_total_cents: item.lineTotalCents,
      })),
    });
  }
}
