import { describe, expect, it } from "vitest";
import { createAdmin, createCustomer, createUser, loginAs, unique } from "../../helpers/factories";
import { json } from "../../helpers/http";
import { type OrderBody, placed } from "../../helpers/orders";
import { createProduct } from "../../helpers/products";
import { countedRequest, reportedTrips } from "../../helpers/round-trips";

/**
 * The contract's round-trip budgets ("Edge reads, caching and timing"), each counted through
 * the real app with a counting DB binding: one trip more than the budget fails its test.
 * The edge cache is off in the suite, so catalog reads here are the cache-miss budget.
 */
async function expectTrips(
  budget: number,
  status: number,
  ...request: Parameters<typeof countedRequest>
): Promise<Response> {
  const { response, trips } = await countedRequest(...request);
  expect(response.status, `${request[1]?.method ?? "GET"} ${request[0]}`).toBe(status);
  expect(trips, `${request[1]?.method ?? "GET"} ${request[0]}`).toBe(budget);
  expect(reportedTrips(response)).toBe(trips);
  return response;
}

describe("round-trip budgets", () => {
  it("GET /health: 0", async () => {
    await expectTrips(0, 200, "/health");
  });

  it("catalog reads on a cache miss: 1 each (GET and HEAD of the list, GET of a product)", async () => {
    const product = await createProduct();
    await expectTrips(1, 200, "/api/v1/products?limit=5");
    await expectTrips(1, 200, "/api/v1/products", { method: "HEAD" });
    await expectTrips(1, 200, `/api/v1/products/${product.id}`);
  });

  it("GET /users/me and GET /users (admin): 1, the principal's check included", async () => {
    const customer = await createCustomer();
    const admin = await createAdmin();
    await expectTrips(1, 200, "/api/v1/users/me", { token: customer.token });
    await expectTrips(1, 200, "/api/v1/users/me", { token: admin.token });
    await expectTrips(1, 200, "/api/v1/users?limit=5", { token: admin.token });
  });

  it("a logged-in token (sid): the same budgets, its session checked in the principal's query", async () => {
    const customer = await createUser({ password: "correct-horse-battery" });
    const session = await loginAs(customer);
    const product = await createProduct({ stock: 10 });
    await expectTrips(1, 200, "/api/v1/users/me", { token: session.access_token });
    await expectTrips(1, 200, "/api/v1/orders", { token: session.access_token });
    await expectTrips(2, 201, "/api/v1/orders", {
      method: "POST",
      token: session.access_token,
      body: { items: [{ product_id: product.id, quantity: 1 }] },
    });
  });

  it("GET /orders and GET /orders/{id}: 1", async () => {
    const customer = await createCustomer();
    const product = await createProduct({ stock: 10 });
    const order = await placed(customer.token, [{ product_id: product.id, quantity: 1 }]);
    await placed(customer.token, [{ product_id: product.id, quantity: 2 }]);
    const list = await expectTrips(1, 200, "/api/v1/orders", { token: customer.token });
    const page = await json<{ items: OrderBody[] }>(list);
    expect(page.items.map((item) => item.items.length)).toEqual([1, 1]);
    await expectTrips(1, 200, `/api/v1/orders/${order.id}`, { token: customer.token });
  });

  it("POST /orders: 2 (one read with the principal, one write batch)", async () => {
    const customer = await createCustomer();
    const product = await createProduct({ stock: 10 });
    await expectTrips(2, 201, "/api/v1/orders", {
      method: "POST",
      token: customer.token,
      body: { items: [{ product_id: product.id, quantity: 1 }] },
    });
  });

  it("POST /orders by an admin: 2 (the account check rides with the catalog read whatever the role)", async () => {
    const admin = await createAdmin();
    const product = await createProduct({ stock: 10 });
    await expectTrips(2, 201, "/api/v1/orders", {
      method: "POST",
      token: admin.token,
      body: { items: [{ product_id: product.id, quantity: 1 }] },
    });
  });

  it("POST /orders with a new Idempotency-Key: 2 (the key read with the catalog, recorded with the order)", async () => {
    const customer = await createCustomer();
    const product = await createProduct({ stock: 10 });
    const placedOrder = await expectTrips(2, 201, "/api/v1/orders", {
      method: "POST",
      token: customer.token,
      body: { items: [{ product_id: product.id, quantity: 1 }] },
      headers: { "Idempotency-Key": unique("key") },
    });
    expect(placedOrder.headers.get("Idempotent-Replayed")).toBeNull();
  });

  it("a replay of an Idempotency-Key: 1", async () => {
    const customer = await createCustomer();
    const product = await createProduct({ stock: 10 });
    const request = {
      method: "POST",
      token: customer.token,
      body: { items: [{ product_id: product.id, quantity: 1 }] },
      headers: { "Idempotency-Key": unique("key") },
    };
    await countedRequest("/api/v1/orders", request);
    const replay = await expectTrips(1, 201, "/api/v1/orders", request);
    expect(replay.headers.get("Idempotent-Replayed")).toBe("true");
  });

  it("POST /orders/{id}/cancel and /fulfill: 2", async () => {
    const customer = await createCustomer();
    const admin = await createAdmin();
    const product = await createProduct({ stock: 10 });
    const first = await placed(customer.token, [{ product_id: product.id, quantity: 1 }]);
    const second = await placed(customer.token, [{ product_id: product.id, quantity: 1 }]);
    await expectTrips(2, 200, `/api/v1/orders/${first.id}/cancel`, {
      method: "POST",
      token: customer.token,
    });
    await expectTrips(2, 200, `/api/v1/orders/${second.id}/fulfill`, {
      method: "POST",
      token: admin.token,
    });
  });

  it("PATCH and PUT /products/{id} (admin): 2", async () => {
    const admin = await createAdmin();
    const product = await createProduct();
    await expectTrips(2, 200, `/api/v1/products/${product.id}`, {
      method: "PATCH",
      token: admin.token,
      body: { name: "Renamed" },
    });
    await expectTrips(2, 200, `/api/v1/products/${product.id}`, {
      method: "PUT",
      token: admin.token,
      body: {
        sku: product.sku,
        name: "Replaced",
        description: "",
        price_cents: 900,
        currency: "USD",
        stock: 3,
      },
    });
  });

  it("POST /auth/login and /auth/refresh: 2", async () => {
    const user = await createUser({ password: "correct-horse-battery" });
    await expectTrips(2, 200, "/api/v1/auth/login", {
      method: "POST",
      body: { email: user.email, password: "correct-horse-battery" },
      headers: { "CF-Connecting-IP": "10.77.0.1" },
    });
    const session = await loginAs({ email: user.email, password: "correct-horse-battery" });
    await expectTrips(2, 200, "/api/v1/auth/refresh", {
      method: "POST",
      body: { refresh_token: session.refresh_token },
    });
  });
});
