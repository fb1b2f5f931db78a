import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createAdmin, createCustomer, createUser } from "../../helpers/factories";
import { api, json } from "../../helpers/http";
import { type OrderBody, type Problem, placeOrder, rowCounts, stockOf } from "../../helpers/orders";
import { createProduct } from "../../helpers/products";

describe("POST /api/v1/orders", () => {
  it("places the order: 201, Location, snapshotted lines, stock taken, email queued", async () => {
    const customer = await createCustomer();
    const mug = await createProduct({ name: "Blue mug", priceCents: 1250, stock: 5 });
    const tea = await createProduct({ name: "Green tea", priceCents: 399, stock: 3 });

    const res = await placeOrder(customer.token, [
      { product_id: mug.id, quantity: 2 },
      { product_id: tea.id, quantity: 3 },
    ]);
    expect(res.status).toBe(201);
    expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.headers.get("Idempotent-Replayed")).toBeNull();
    const order = await json<OrderBody>(res);
    expect(res.headers.get("Location")).toBe(`/api/v1/orders/${order.id}`);
    expect(order).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      user_id: customer.id,
      status: "placed",
      items: [
        {
          product_id: mug.id,
          sku: mug.sku,
          name: "Blue mug",
          unit_price_cents: 1250,
          quantity: 2,
          line_total_cents: 2500,
        },
        {
          product_id: tea.id,
          sku: tea.sku,
          name: "Green tea",
          unit_price_cents: 399,
          quantity: 3,
          line_total_cents: 1197,
        },
      ],
      subtotal_cents: 3697,
      discount_cents: 0,
      total_cents: 3697,
      currency: "USD",
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      updated_at: order.created_at,
    });
    expect(await stockOf(mug.id)).toBe(3);
    expect(await stockOf(tea.id)).toBe(0);

    const fetched = await api(`/api/v1/orders/${order.id}`, { token: customer.token });
    expect(await fetched.json()).toEqual(order);

    const mail = await env.DB.prepare(
      "SELECT template, recipient, payload FROM mail_outbox WHERE recipient = ?",
    )
      .bind(customer.email)
      .all<{ template: string; recipient: string; payload: string }>();
    expect(mail.results).toHaveLength(1);
    expect(mail.results[0]?.template).toBe("order_confirmation");
    expect(JSON.parse(mail.results[0]?.payload ?? "{}")).toMatchObject({
      order_id: order.id,
      total_cents: 3697,
    });
  });

  it("premium customers get floor(subtotal / 10) off", async () => {
    const premium = await createUser({ tier: "premium" });
    const product = await createProduct({ priceCents: 333 });
    const res = await placeOrder(premium.token, [{ product_id: product.id, quantity: 3 }]);
    expect(res.status).toBe(201);
    expect(await json(res)).toMatchObject({
      subtotal_cents: 999,
      discount_cents: 99,
      total_cents: 900,
    });
  });

  it("the snapshot survives later catalog edits", async () => {
    const admin = await createAdmin();
    const customer = await createCustomer();
    const product = await createProduct({ name: "Old name", priceCents: 500 });
    const res = await placeOrder(customer.token, [{ product_id: product.id, quantity: 1 }]);
    const order = await json<OrderBody>(res);
    const patch = await api(`/api/v1/products/${product.id}`, {
      method: "PATCH",
      token: admin.token,
      body: { name: "New name", price_cents: 900 },
    });
    expect(patch.status).toBe(200);
    const again = await json<OrderBody>(
      await api(`/api/v1/orders/${order.id}`, { token: customer.token }),
    );
    expect(again.items[0]).toMatchObject({ name: "Old name", unit_price_cents: 500 });
  });

  it("an unknown product is 404 product_not_found and writes nothing", async () => {
    const customer = await createCustomer();
    const product = await createProduct({ stock: 5 });
    const unknown = "0190b5c2-0000-7000-8000-000000000000";
    const before = await rowCounts({ userId: customer.id, productIds: [product.id] });
    const res = await placeOrder(customer.token, [
      { product_id: product.id, quantity: 1 },
      { product_id: unknown, quantity: 1 },
    ]);
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    expect(await json<Problem>(res)).toMatchObject({
      code: "product_not_found",
      detail: `No product with id ${unknown}`,
    });
    expect(await rowCounts({ userId: customer.id, productIds: [product.id] })).toEqual(before);
  });

  it("an archived product cannot be ordered: 404 product_not_found", async () => {
    const customer = await createCustomer();
    const product = await createProduct();
    await env.DB.prepare("UPDATE products SET archived_at = ? WHERE id = ?")
      .bind(new Date().toISOString(), product.id)
      .run();
    const res = await placeOrder(customer.token, [{ product_id: product.id, quantity: 1 }]);
    expect(res.status).toBe(404);
    expect(await json<Problem>(res)).toMatchObject({ code: "product_not_found" });
    expect(await stockOf(product.id)).toBe(10);
  });

  it("short stock is 409 out_of_stock naming each short product, and writes nothing", async () => {
    const customer = await createCustomer();
    const mug = await createProduct({ name: "Blue mug", stock: 1 });
    const tea = await createProduct({ name: "Green tea", stock: 4 });
    const cup = await createProduct({ name: "Red cup", stock: 0 });
    const productIds = [mug.id, tea.id, cup.id];
    const before = await rowCounts({ userId: customer.id, productIds });
    const res = await placeOrder(customer.token, [
      { product_id: mug.id, quantity: 3 },
      { product_id: tea.id, quantity: 4 },
      { product_id: cup.id, quantity: 1 },
    ]);
    expect(res.status).toBe(409);
    expect(await json<Problem>(res)).toMatchObject({
      type: "/problems/out-of-stock",
      title: "Out of stock",
      code: "out_of_stock",
      detail:
        "Not enough stock for 'Blue mug' (asked 3, have 1); Not enough stock for 'Red cup' (asked 1, have 0)",
    });
    expect(await rowCounts({ userId: customer.id, productIds })).toEqual(before);
  });

  it("products priced in different currencies are 422 mixed_currency", async () => {
    const customer = await createCustomer();
    const usd = await createProduct({ currency: "USD" });
    const eur = await createProduct({ currency: "EUR" });
    const res = await placeOrder(customer.token, [
      { product_id: usd.id, quantity: 1 },
      { product_id: eur.id, quantity: 1 },
    ]);
    expect(res.status).toBe(422);
    expect(await json<Problem>(res)).toMatchObject({
      code: "mixed_currency",
      errors: [{ path: "items.1.product_id", code: "mixed_currency" }],
    });
    expect(await stockOf(usd.id)).toBe(10);
  });

  it("an order may use the whole stock of a product", async () => {
    const customer = await createCustomer();
    const product = await createProduct({ stock: 7 });
    const res = await placeOrder(customer.token, [{ product_id: product.id, quantity: 7 }]);
    expect(res.status).toBe(201);
    expect(await stockOf(product.id)).toBe(0);
  });

  describe("validation", () => {
    const id = "0190b5c2-5e11-7bb2-9d4e-2f3a4b5c6d7e";
    const other = "0190b5c2-5e11-7bb2-9d4e-2f3a4b5c6d7f";
    const lines = (n: number) =>
      Array.from({ length: n }, (_, i) => ({
        product_id: `0190b5c2-5e11-7bb2-9d4e-${String(i).padStart(12, "0")}`,
        quantity: 1,
      }));

    it.each([
      ["no lines", { items: [] }, "items"],
      ["51 lines", { items: lines(51) }, "items"],
      ["no items field", {}, "items"],
      ["a zero quantity", { items: [{ product_id: id, quantity: 0 }] }, "items.0.quantity"],
      ["a quantity over 1000", { items: [{ product_id: id, quantity: 1001 }] }, "items.0.quantity"],
      ["a fractional quantity", { items: [{ product_id: id, quantity: 1.5 }] }, "items.0.quantity"],
      ["a string quantity", { items: [{ product_id: id, quantity: "2" }] }, "items.0.quantity"],
      [
        "a malformed product id",
        { items: [{ product_id: "42", quantity: 1 }] },
        "items.0.product_id",
      ],
      [
        "the same product twice",
        {
          items: [
            { product_id: id, quantity: 1 },
            { product_id: other, quantity: 1 },
            { product_id: id, quantity: 2 },
          ],
        },
        "items.2.product_id",
      ],
      [
        "a price sent by the client",
        { items: [{ product_id: id, quantity: 1, price_cents: 1 }] },
        "items.0.price_cents",
      ],
      [
        "an unknown top-level field",
        { items: [{ product_id: id, quantity: 1 }], user_id: id },
        "user_id",
      ],
      [
        "a discount sent by the client",
        { items: [{ product_id: id, quantity: 1 }], discount_cents: 5 },
        "discount_cents",
      ],
    ])("%s is 422 naming the field", async (_name, body, path) => {
      const customer = await createCustomer();
      const res = await api("/api/v1/orders", { method: "POST", token: customer.token, body });
      expect(res.status).toBe(422);
      const problem = await json<Problem>(res);
      expect(problem.code).toBe("validation_failed");
      expect(problem.errors?.map((error) => error.path)).toContain(path);
    });

    it("a repeated product is named with the duplicate_product code", async () => {
      const customer = await createCustomer();
      const res = await placeOrder(customer.token, [
        { product_id: id, quantity: 1 },
        { product_id: id, quantity: 1 },
      ]);
      expect(await json<Problem>(res)).toMatchObject({
        errors: [{ path: "items.1.product_id", code: "duplicate_product" }],
      });
    });

    it("50 lines are allowed", async () => {
      const customer = await createCustomer();
      const products = await Promise.all(
        Array.from({ length: 50 }, () => createProduct({ stock: 1, priceCents: 100 })),
      );
      const res = await placeOrder(
        customer.token,
        products.map((product) => ({ product_id: product.id, quantity: 1 })),
      );
      expect(res.status).toBe(201);
      expect((await json<OrderBody>(res)).items).toHaveLength(50);
    });

    it("a body that is not JSON is 400, another content type 415", async () => {
      const customer = await createCustomer();
      const malformed = await api("/api/v1/orders", {
        method: "POST",
        token: customer.token,
        body: "{not json",
      });
      expect(malformed.status).toBe(400);
      const text = await api("/api/v1/orders", {
        method: "POST",
        token: customer.token,
        body: "items",
        headers: { "Content-Type": "text/plain" },
      });
      expect(text.status).toBe(415);
    });
  });

  it("401 without a token, with WWW-Authenticate", async () => {
    const product = await createProduct();
    const res = await api("/api/v1/orders", {
      method: "POST",
      body: { items: [{ product_id: product.id, quantity: 1 }] },
    });
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
    expect(await stockOf(product.id)).toBe(10);
  });

  it("a deactivated user cannot order (401)", async () => {
    const inactive = await createUser({ isActive: false });
    const product = await createProduct();
    const res = await placeOrder(inactive.token, [{ product_id: product.id, quantity: 1 }]);
    expect(res.status).toBe(401);
  });
});
