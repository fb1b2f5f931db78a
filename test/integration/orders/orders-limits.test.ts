import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { expectProblem } from "../../helpers/auth";
import { createAdmin, createCustomer } from "../../helpers/factories";
import { api } from "../../helpers/http";
import { placed, placeOrder, rowCounts } from "../../helpers/orders";
import { createProduct } from "../../helpers/products";

const UNKNOWN_PRODUCT = "0190b5c2-7a1e-7cc3-9f4a-5d2b6c1e8a90";

describe("open orders: at most 20 placed per customer", () => {
  it("refuses the 21st with 409 too_many_open_orders and writes nothing; a cancel frees a place", async () => {
    const customer = await createCustomer();
    const product = await createProduct({ stock: 100 });
    const line = [{ product_id: product.id, quantity: 1 }];
    const orders = [];
    for (let i = 0; i < 20; i += 1) orders.push(await placed(customer.token, line));
    const before = await rowCounts({ userId: customer.id, productIds: [product.id] });

    await expectProblem(await placeOrder(customer.token, line), 409, "too_many_open_orders");
    expect(await rowCounts({ userId: customer.id, productIds: [product.id] })).toEqual(before);

    const cancel = await api(`/api/v1/orders/${orders[0]?.id}/cancel`, {
      method: "POST",
      token: customer.token,
    });
    expect(cancel.status).toBe(200);
    expect((await placeOrder(customer.token, line)).status).toBe(201);
  });

  it("does not cap admins", async () => {
    const admin = await createAdmin();
    const product = await createProduct({ stock: 100 });
    for (let i = 0; i < 21; i += 1) {
      await placed(admin.token, [{ product_id: product.id, quantity: 1 }]);
    }
  });

  it("caps a demoted admin at once: the account's role applies, not the token's", async () => {
    const admin = await createAdmin();
    const product = await createProduct({ stock: 100 });
    const line = [{ product_id: product.id, quantity: 1 }];
    for (let i = 0; i < 20; i += 1) await placed(admin.token, line);
    await env.DB.prepare("UPDATE users SET role = 'customer' WHERE id = ?").bind(admin.id).run();
    await expectProblem(await placeOrder(admin.token, line), 409, "too_many_open_orders");
  });
});

describe("placing orders: 30 per user per 60 s", () => {
  it("answers the 31st attempt with 429 and Retry-After, whatever became of the first 30", async () => {
    const customer = await createCustomer();
    const line = [{ product_id: UNKNOWN_PRODUCT, quantity: 1 }];
    for (let i = 0; i < 30; i += 1) {
      await expectProblem(await placeOrder(customer.token, line), 404, "product_not_found");
    }
    const limited = await placeOrder(customer.token, line);
    await expectProblem(limited, 429, "rate_limited");
    expect(limited.headers.get("Retry-After")).toBe("60");
    // Another customer is not affected.
    const other = await createCustomer();
    await expectProblem(await placeOrder(other.token, line), 404, "product_not_found");
  });
});
