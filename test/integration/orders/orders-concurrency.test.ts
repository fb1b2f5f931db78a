import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { createApp } from "../../../src/app";
import { D1ProductsRepository } from "../../../src/domains/products/products.repository";
import { ProductsService } from "../../../src/domains/products/products.service";
import { systemClock } from "../../../src/lib/clock";
import { createAdmin, createCustomer, unique } from "../../helpers/factories";
import { api, BASE, json } from "../../helpers/http";
import {
  type OrderBody,
  type OrderLineBody,
  type Problem,
  placed,
  placeOrder,
  rowCounts,
  stockOf,
} from "../../helpers/orders";
import { createProduct } from "../../helpers/products";
import { reportedTrips } from "../../helpers/round-trips";

const statuses = (responses: Response[]) => responses.map((res) => res.status);
const count = (values: number[], wanted: number) => values.filter((v) => v === wanted).length;

/**
 * The products service as a request that read the catalog just before others took the
 * stock: it reports more stock than there is, so the order passes the service's own check
 * and only the database (CHECK stock >= 0) stands between it and an oversell.
 */
class StaleStockProducts extends ProductsService {
  private stale = true;

  override async findForOrder(ids: string[]) {
    const products = await super.findForOrder(ids);
    if (!this.stale) return products;
    // Only the first read is stale; the one after the refusal sees the real stock.
    this.stale = false;
    return products.map((product) => ({ ...product, stock: product.stock + 100 }));
  }
}

function appReadingStaleStock() {
  const products = new StaleStockProducts(new D1ProductsRepository(drizzle(env.DB)), systemClock);
  return createApp({ overrides: { products } });
}

function placeThrough(
  app: ReturnType<typeof createApp>,
  token: string,
  items: OrderLineBody[],
  headers: Record<string, string> = {},
) {
  const request = new Request(`${BASE}/api/v1/orders`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json", ...headers },
    body: JSON.stringify({ items }),
  });
  return app.fetch(request, env, createExecutionContext());
}

describe("concurrent orders never oversell", () => {
  it("40 concurrent single-item orders for a stock of 10: exactly 10 orders, stock 0", async () => {
    // Two customers, 20 orders each: one customer's 40 would cross its placement rate
    // limit (30 per minute), which is not what this test is about.
    const customers = [await createCustomer(), await createCustomer()];
    const product = await createProduct({ name: "Last mugs", stock: 10 });
    const counts = async () => {
      const [a, b] = await Promise.all(
        customers.map((c) => rowCounts({ userId: c.id, productIds: [product.id] })),
      );
      if (!a || !b) throw new Error("unreachable");
      return {
        orders: a.orders + b.orders,
        items: a.items,
        mail: a.mail + b.mail,
        idempotencyKeys: a.idempotencyKeys + b.idempotencyKeys,
        stock: a.stock,
      };
    };
    const before = await counts();

    const responses = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        placeOrder(customers[i % 2]?.token ?? "", [{ product_id: product.id, quantity: 1 }]),
      ),
    );
    const codes = statuses(responses);
    expect(count(codes, 201)).toBe(10);
    expect(count(codes, 409)).toBe(30);
    for (const res of responses.filter((r) => r.status === 409)) {
      expect(await json<Problem>(res)).toMatchObject({ code: "out_of_stock" });
    }

    expect(await counts()).toEqual({
      orders: before.orders + 10,
      items: before.items + 10,
      mail: before.mail + 10,
      idempotencyKeys: before.idempotencyKeys,
      stock: [0],
    });
  });

  it("many products, many lines, racing: stock never goes below zero and adds up", async () => {
    const customer = await createCustomer();
    const a = await createProduct({ stock: 7 });
    const b = await createProduct({ stock: 5 });
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        placeOrder(customer.token, [
          { product_id: a.id, quantity: 1 + (i % 2) },
          { product_id: b.id, quantity: 1 },
        ]),
      ),
    );
    const orders = await Promise.all(
      responses.filter((res) => res.status === 201).map((res) => json<OrderBody>(res)),
    );
    expect(statuses(responses).every((code) => code === 201 || code === 409)).toBe(true);
    // b (5) caps it at 5 orders; a (7) allows at least 3 even if each takes 2: the race is
    // real (some won, some lost) and the winners took what the stock allowed.
    expect(orders.length).toBeGreaterThanOrEqual(3);
    expect(orders.length).toBeLessThanOrEqual(5);
    expect(statuses(responses)).toContain(409);
    const takenA = orders.reduce((sum, order) => sum + (order.items[0]?.quantity ?? 0), 0);
    expect(await stockOf(a.id)).toBe(7 - takenA);
    expect(await stockOf(b.id)).toBe(5 - orders.length);
  });
});

describe("a batch that fails leaves nothing behind", () => {
  it("the database refuses the oversell the service missed: no order, no line, no email, no stock taken", async () => {
    const customer = await createCustomer();
    const plenty = await createProduct({ name: "Plenty", stock: 50 });
    const scarce = await createProduct({ name: "Scarce", stock: 1 });
    const productIds = [plenty.id, scarce.id];
    const before = await rowCounts({ userId: customer.id, productIds });

    const res = await placeThrough(appReadingStaleStock(), customer.token, [
      { product_id: plenty.id, quantity: 5 },
      { product_id: scarce.id, quantity: 2 },
    ]);
    expect(res.status).toBe(409);
    expect(await json<Problem>(res)).toMatchObject({
      code: "out_of_stock",
      detail: "Not enough stock for 'Scarce' (asked 2, have 1)",
    });
    expect(await rowCounts({ userId: customer.id, productIds })).toEqual(before);
    expect(before.stock).toEqual([50, 1]);
  });

  it("with an Idempotency-Key, only the refusal is recorded", async () => {
    const customer = await createCustomer();
    const scarce = await createProduct({ name: "Scarce", stock: 1 });
    const before = await rowCounts({ userId: customer.id, productIds: [scarce.id] });
    const key = unique("key");
    const res = await placeThrough(
      appReadingStaleStock(),
      customer.token,
      [{ product_id: scarce.id, quantity: 3 }],
      { "Idempotency-Key": key },
    );
    expect(res.status).toBe(409);
    const after = await rowCounts({ userId: customer.id, productIds: [scarce.id] });
    expect(after).toEqual({ ...before, idempotencyKeys: before.idempotencyKeys + 1 });
    const replay = await placeOrder(customer.token, [{ product_id: scarce.id, quantity: 3 }], key);
    expect(replay.status).toBe(409);
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
  });

  it("a product archived after the read cannot be sold: 404, nothing written", async () => {
    const customer = await createCustomer();
    const product = await createProduct({ stock: 5 });
    const archivedAfterRead = new (class extends ProductsService {
      override async findForOrder(ids: string[]) {
        const found = await super.findForOrder(ids);
        await env.DB.prepare("UPDATE products SET archived_at = ? WHERE id = ?")
          .bind(new Date().toISOString(), product.id)
          .run();
        return found;
      }
    })(new D1ProductsRepository(drizzle(env.DB)), systemClock);
    const before = await rowCounts({ userId: customer.id, productIds: [product.id] });

    const request = new Request(`${BASE}/api/v1/orders`, {
      method: "POST",
      headers: { Authorization: `Bearer ${customer.token}`, "Content-Type": "application/json" },
      body: JSON.stringify({ items: [{ product_id: product.id, quantity: 1 }] }),
    });
    const res = await createApp({ overrides: { products: archivedAfterRead } }).fetch(
      request,
      env,
      createExecutionContext(),
    );
    expect(res.status).toBe(404);
    expect(await json<Problem>(res)).toMatchObject({ code: "product_not_found" });
    expect(await rowCounts({ userId: customer.id, productIds: [product.id] })).toEqual(before);
  });
});

describe("concurrent retries with one Idempotency-Key", () => {
  it("20 concurrent requests with one key place one order", async () => {
    const customer = await createCustomer();
    const product = await createProduct({ stock: 100 });
    const key = unique("key");
    const lines = [{ product_id: product.id, quantity: 3 }];

    const responses = await Promise.all(
      Array.from({ length: 20 }, () => placeOrder(customer.token, lines, key)),
    );
    const fresh = responses.filter(
      (res) => res.status === 201 && res.headers.get("Idempotent-Replayed") === null,
    );
    const replayed = responses.filter((res) => res.headers.get("Idempotent-Replayed") === "true");
    const inFlight = responses.filter((res) => res.status === 409);
    expect(fresh).toHaveLength(1);
    expect(replayed.length + inFlight.length).toBe(19);
    for (const res of inFlight) {
      expect(await json<Problem>(res)).toMatchObject({ code: "idempotency_key_in_flight" });
    }
    const first = await (fresh[0] as Response).text();
    for (const res of replayed) {
      expect(res.status).toBe(201);
      expect(await res.text()).toBe(first);
    }

    const counts = await rowCounts({ userId: customer.id, productIds: [product.id] });
    expect(counts).toMatchObject({ orders: 1, items: 1, mail: 1, idempotencyKeys: 1, stock: [97] });
    // Once the first has answered, every retry gets its response.
    const late = await placeOrder(customer.token, lines, key);
    expect(late.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await late.text()).toBe(first);
  });
});

/** A D1 statement that remembers its SQL, so a batch can tell whether it writes. */
class Labelled {
  constructor(
    readonly inner: D1PreparedStatement,
    readonly sql: string,
  ) {}
  bind(...values: unknown[]) {
    return new Labelled(this.inner.bind(...values), this.sql);
  }
  first(column?: string) {
    return column === undefined ? this.inner.first() : this.inner.first(column);
  }
  all() {
    return this.inner.all();
  }
  run() {
    return this.inner.run();
  }
  raw() {
    return this.inner.raw();
  }
}

/**
 * The DB binding of a request that another request overtakes: `overtake` runs (once) just
 * before this request's first batch that writes, i.e. after all of its reads.
 */
function overtakenBeforeWrite(binding: D1Database, overtake: () => Promise<unknown>): D1Database {
  let pending: (() => Promise<unknown>) | undefined = overtake;
  const wrap = (target: Pick<D1Database, "prepare" | "batch">) => ({
    prepare: (sql: string) => new Labelled(target.prepare(sql), sql),
    batch: async (statements: Labelled[]) => {
      if (pending && statements.some((s) => !/^\s*select\b/i.test(s.sql))) {
        const run = pending;
        pending = undefined;
        await run();
      }
      return target.batch(statements.map((s) => s.inner));
    },
  });
  return {
    ...wrap(binding),
    withSession: (start?: string) => {
      const session = binding.withSession(start);
      return { ...wrap(session), getBookmark: () => session.getBookmark() };
    },
  } as unknown as D1Database;
}

describe("a same-key request committing between another's read and its batch", () => {
  async function overtaken(winnerLines: (productId: string) => OrderLineBody[]) {
    const customer = await createCustomer();
    const product = await createProduct({ stock: 10 });
    const key = unique("key");
    const lines = [{ product_id: product.id, quantity: 3 }];
    const before = await rowCounts({ userId: customer.id, productIds: [product.id] });
    let winner: Response | undefined;
    const request = new Request(`${BASE}/api/v1/orders`, {
      method: "POST",
      headers: {
        Authorization: `Bearer ${customer.token}`,
        "Content-Type": "application/json",
        "Idempotency-Key": key,
      },
      body: JSON.stringify({ items: lines }),
    });
    const DB = overtakenBeforeWrite(env.DB, async () => {
      winner = await placeOrder(customer.token, winnerLines(product.id), key);
    });
    const res = await createApp().fetch(request, { ...env, DB }, createExecutionContext());
    if (!winner) throw new Error("the winner never ran");
    expect(winner.status).toBe(201);
    // Read (with the key), the batch the taken key aborted, the key read again.
    expect(reportedTrips(res)).toBe(3);
    const after = await rowCounts({ userId: customer.id, productIds: [product.id] });
    return { res, winner, before, after };
  }

  it("same body: its whole batch aborts and it replays the winner's response", async () => {
    const { res, winner, before, after } = await overtaken((id) => [
      { product_id: id, quantity: 3 },
    ]);
    expect(res.status).toBe(201);
    expect(res.headers.get("Idempotent-Replayed")).toBe("true");
    expect(await res.text()).toBe(await winner.text());
    expect(after).toEqual({
      orders: before.orders + 1,
      items: before.items + 1,
      mail: before.mail + 1,
      idempotencyKeys: before.idempotencyKeys + 1,
      stock: [7],
    });
  });

  it("another body: 422 idempotency_key_mismatch, nothing of its own written", async () => {
    const { res, before, after } = await overtaken((id) => [{ product_id: id, quantity: 1 }]);
    expect(res.status).toBe(422);
    expect(await json<Problem>(res)).toMatchObject({ code: "idempotency_key_mismatch" });
    expect(after).toEqual({
      orders: before.orders + 1,
      items: before.items + 1,
      mail: before.mail + 1,
      idempotencyKeys: before.idempotencyKeys + 1,
      stock: [9],
    });
  });
});

describe("concurrent state changes", () => {
  it("two concurrent cancels: one succeeds, one is 409, stock comes back once", async () => {
    const customer = await createCustomer();
    const product = await createProduct({ stock: 20 });
    for (let round = 0; round < 5; round += 1) {
      const order = await placed(customer.token, [{ product_id: product.id, quantity: 4 }]);
      expect(await stockOf(product.id)).toBe(16);
      const responses = await Promise.all(
        [0, 1].map(() =>
          api(`/api/v1/orders/${order.id}/cancel`, { method: "POST", token: customer.token }),
        ),
      );
      expect(statuses(responses).sort()).toEqual([200, 409]);
      const refused = responses.find((res) => res.status === 409) as Response;
      expect(await json<Problem>(refused)).toMatchObject({ code: "invalid_order_state" });
      expect(await stockOf(product.id)).toBe(20);
    }
  });

  it("a cancel racing a fulfil: exactly one wins, and stock matches the winner", async () => {
    const customer = await createCustomer();
    const admin = await createAdmin();
    const product = await createProduct({ stock: 10 });
    for (let round = 0; round < 5; round += 1) {
      const before = (await stockOf(product.id)) as number;
      const order = await placed(customer.token, [{ product_id: product.id, quantity: 2 }]);
      const [cancel, fulfill] = await Promise.all([
        api(`/api/v1/orders/${order.id}/cancel`, { method: "POST", token: customer.token }),
        api(`/api/v1/orders/${order.id}/fulfill`, { method: "POST", token: admin.token }),
      ]);
      expect([cancel.status, fulfill.status].sort()).toEqual([200, 409]);
      const final = await json<OrderBody>(
        await api(`/api/v1/orders/${order.id}`, { token: customer.token }),
      );
      if (cancel.status === 200) {
        expect(final.status).toBe("cancelled");
        expect(await stockOf(product.id)).toBe(before);
      } else {
        expect(final.status).toBe("fulfilled");
        expect(await stockOf(product.id)).toBe(before - 2);
      }
      if ((await stockOf(product.id)) === 0) break;
    }
  });
});
