import { describe, expect, it } from "vitest";
import { createAdmin, createCustomer } from "../../helpers/factories";
import { api, json } from "../../helpers/http";
import { createProduct } from "../../helpers/products";

// UUIDs compare case-insensitively (RFC 9562); ids are stored lower-case.
describe("ids sent in upper case", () => {
  it("find their product, user and order", async () => {
    const admin = await createAdmin();
    const customer = await createCustomer();
    const product = await createProduct({ stock: 5 });

    expect((await api(`/api/v1/products/${product.id.toUpperCase()}`)).status).toBe(200);
    expect(
      (await api(`/api/v1/users/${customer.id.toUpperCase()}`, { token: admin.token })).status,
    ).toBe(200);
    const placed = await api("/api/v1/orders", {
      method: "POST",
      token: customer.token,
      body: { items: [{ product_id: product.id.toUpperCase(), quantity: 1 }] },
    });
    expect(placed.status).toBe(201);
    const order = await json<{ id: string; items: { product_id: string }[] }>(placed);
    expect(order.items[0]?.product_id).toBe(product.id);
    expect(
      (await api(`/api/v1/orders/${order.id.toUpperCase()}`, { token: customer.token })).status,
    ).toBe(200);
  });
});
