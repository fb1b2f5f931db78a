import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { createApp } from "../../../src/app";
import { D1ProductsRepository } from "../../../src/domains/products/products.repository";
import { ProductsService } from "../../../src/domains/products/products.service";
import { systemClock } from "../../../src/lib/clock";
import { accessTokens, createCustomer, createUser } from "../../helpers/factories";
import { BASE, json } from "../../helpers/http";
import { type OrderBody, placed, rowCounts, stockOf } from "../../helpers/orders";
import { createProduct } from "../../helpers/products";
import { countedRequest } from "../../helpers/round-trips";

/**
 * The catalog as a replica that has not yet seen an admin's price change: the first read
 * for an order answers the old price; later reads see the primary.
 */
class StalePriceProducts extends ProductsService {
  reads = 0;

  constructor(private readonly oldPriceCents: number) {
    super(new D1ProductsRepository(drizzle(env.DB)), systemClock);
  }

  override async findForOrder(ids: string[]) {
    const products = await super.findForOrder(ids);
    this.reads += 1;
    if (this.reads > 1) return products;
    return products.map((product) => ({ ...product, priceCents: this.oldPriceCents }));
  }
}

function place(app: ReturnType<typeof createApp>, token: string, body: unknown) {
  const request = new Request(`${BASE}/api/v1/orders`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  return app.fetch(request, env, createExecutionContext());
}

async function deactivate(userId: string) {
  await env.DB.prepare("UPDATE users SET is_active = 0 WHERE id = ?").bind(userId).run();
}

describe("stale reads cannot decide a write", () => {
  it("an order priced from a stale read of a repriced product is priced again, at the current price", async () => {
    const customer = await createCustomer();
    const product = await createProduct({ priceCents: 1500, stock: 10 });
    const products = new StalePriceProducts(1000);
    const res = await place(createApp({ overrides: { products } }), customer.token, {
      items: [{ product_id: product.id, quantity: 2 }],
    });
    expect(res.status).toBe(201);
    // The race happened: the stale read was refused by the batch, then read again.
    expect(products.reads).toBe(2);
    const order = await json<OrderBody>(res);
    expect(order.items[0]?.unit_price_cents).toBe(1500);
    expect(order.total_cents).toBe(3000);
    expect(await stockOf(product.id)).toBe(8);
  });

  it("a deactivated user's order is refused before anything is written", async () => {
    const customer = await createCustomer();
    const product = await createProduct({ stock: 10 });
    await deactivate(customer.id);
    const before = await rowCounts({ userId: customer.id, productIds: [product.id] });
    const { response, trips } = await countedRequest("/api/v1/orders", {
      method: "POST",
      token: customer.token,
      body: { items: [{ product_id: product.id, quantity: 1 }] },
    });
    expect(response.status).toBe(401);
    expect(await json(response)).toMatchObject({ code: "invalid_token" });
    expect(trips).toBe(1);
    expect(await rowCounts({ userId: customer.id, productIds: [product.id] })).toEqual(before);
  });

  it("a deactivated user's read that shared the trip with the check gets 401, not the data", async () => {
    const customer = await createCustomer();
    const product = await createProduct({ stock: 10 });
    const order = await placed(customer.token, [{ product_id: product.id, quantity: 1 }]);
    await deactivate(customer.id);
    const { response, trips } = await countedRequest(`/api/v1/orders/${order.id}`, {
      token: customer.token,
    });
    expect(response.status).toBe(401);
    expect(await response.text()).not.toContain(`"total_cents"`);
    expect(trips).toBe(1);
  });

  it("a demoted admin's old token: admin routes answer 403, shared routes see only their own", async () => {
    const admin = await createUser({ role: "admin" });
    const other = await createCustomer();
    const product = await createProduct({ stock: 10 });
    await placed(other.token, [{ product_id: product.id, quantity: 1 }]);
    await env.DB.prepare("UPDATE users SET role = 'customer' WHERE id = ?").bind(admin.id).run();
    const forbidden = await countedRequest("/api/v1/users", { token: admin.token });
    expect(forbidden.response.status).toBe(403);
    // A shared route checks an admin's token before its own read (one more trip).
    const own = await countedRequest("/api/v1/orders", { token: admin.token });
    expect(own.response.status).toBe(200);
    expect((await json<{ items: unknown[] }>(own.response)).items).toEqual([]);
    expect(own.trips).toBe(2);
  });

  it("a customer's token minted with a role it does not have still gets the account's role", async () => {
    const customer = await createCustomer();
    const forged = await accessTokens().sign({ sub: customer.id, role: "admin" });
    const res = await countedRequest("/api/v1/users", { token: forged });
    expect(res.response.status).toBe(403);
  });
});
