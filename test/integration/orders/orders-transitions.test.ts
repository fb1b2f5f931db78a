import { describe, expect, it } from "vitest";
import { createAdmin, createCustomer } from "../../helpers/factories";
import { api, json } from "../../helpers/http";
import { type OrderBody, type Problem, placed, stockOf } from "../../helpers/orders";
import { createProduct } from "../../helpers/products";

const cancel = (orderId: string, token?: string) =>
  api(`/api/v1/orders/${orderId}/cancel`, { method: "POST", ...(token ? { token } : {}) });
const fulfill = (orderId: string, token?: string) =>
  api(`/api/v1/orders/${orderId}/fulfill`, { method: "POST", ...(token ? { token } : {}) });

/** A customer's placed order of 2 + 3 units from two products of stock 10. */
async function placedOrder() {
  const customer = await createCustomer();
  const mug = await createProduct({ stock: 10 });
  const tea = await createProduct({ stock: 10 });
  const order = await placed(customer.token, [
    { product_id: mug.id, quantity: 2 },
    { product_id: tea.id, quantity: 3 },
  ]);
  return { customer, order, mug, tea };
}

describe("POST /api/v1/orders/{order_id}/cancel", () => {
  it("the owner cancels a placed order: 200 and every line's stock comes back", async () => {
    const { customer, order, mug, tea } = await placedOrder();
    expect([await stockOf(mug.id), await stockOf(tea.id)]).toEqual([8, 7]);
    const res = await cancel(order.id, customer.token);
    expect(res.status).toBe(200);
    const cancelled = await json<OrderBody>(res);
    expect(cancelled).toEqual({
      ...order,
      status: "cancelled",
      updated_at: expect.any(String),
    });
    expect(cancelled.updated_at >= order.updated_at).toBe(true);
    expect([await stockOf(mug.id), await stockOf(tea.id)]).toEqual([10, 10]);
    const fetched = await api(`/api/v1/orders/${order.id}`, { token: customer.token });
    expect(await fetched.json()).toEqual(cancelled);
  });

  it("cancelling again is 409 invalid_order_state and restocks nothing", async () => {
    const { customer, order, mug } = await placedOrder();
    expect((await cancel(order.id, customer.token)).status).toBe(200);
    const again = await cancel(order.id, customer.token);
    expect(again.status).toBe(409);
    expect(await json<Problem>(again)).toMatchObject({
      code: "invalid_order_state",
      detail: "Only a placed order can be cancelled; this one is cancelled",
    });
    expect(await stockOf(mug.id)).toBe(10);
  });

  it("an admin may cancel any order", async () => {
    const { order, mug } = await placedOrder();
    const admin = await createAdmin();
    const res = await cancel(order.id, admin.token);
    expect(res.status).toBe(200);
    expect(await stockOf(mug.id)).toBe(10);
  });

  it("another customer gets 404 and the order stays placed", async () => {
    const { order, mug } = await placedOrder();
    const stranger = await createCustomer();
    const res = await cancel(order.id, stranger.token);
    expect(res.status).toBe(404);
    expect(await json<Problem>(res)).toMatchObject({ code: "order_not_found" });
    expect(await stockOf(mug.id)).toBe(8);
  });

  it("a fulfilled order cannot be cancelled", async () => {
    const { customer, order, mug } = await placedOrder();
    const admin = await createAdmin();
    expect((await fulfill(order.id, admin.token)).status).toBe(200);
    const res = await cancel(order.id, customer.token);
    expect(res.status).toBe(409);
    expect(await json<Problem>(res)).toMatchObject({ code: "invalid_order_state" });
    expect(await stockOf(mug.id)).toBe(8);
  });

  it("an unknown order is 404, a malformed id 422, no token 401", async () => {
    const customer = await createCustomer();
    const unknown = await cancel("0190b5c2-0000-7000-8000-000000000000", customer.token);
    expect(unknown.status).toBe(404);
    expect((await cancel("nope", customer.token)).status).toBe(422);
    const { order } = await placedOrder();
    expect((await cancel(order.id)).status).toBe(401);
  });

  it("restocks a product archived since the order (its stock is kept for history)", async () => {
    const { customer, order, mug } = await placedOrder();
    const admin = await createAdmin();
    const deleted = await api(`/api/v1/products/${mug.id}`, {
      method: "DELETE",
      token: admin.token,
    });
    expect(deleted.status).toBe(204);
    expect((await cancel(order.id, customer.token)).status).toBe(200);
    expect(await stockOf(mug.id)).toBe(10);
  });
});

describe("POST /api/v1/orders/{order_id}/fulfill", () => {
  it("an admin fulfils a placed order: 200, stock stays taken", async () => {
    const { order, mug } = await placedOrder();
    const admin = await createAdmin();
    const res = await fulfill(order.id, admin.token);
    expect(res.status).toBe(200);
    expect(await json<OrderBody>(res)).toMatchObject({ id: order.id, status: "fulfilled" });
    expect(await stockOf(mug.id)).toBe(8);
  });

  it("fulfilling twice, or a cancelled order, is 409 invalid_order_state", async () => {
    const admin = await createAdmin();
    const first = await placedOrder();
    expect((await fulfill(first.order.id, admin.token)).status).toBe(200);
    const twice = await fulfill(first.order.id, admin.token);
    expect(twice.status).toBe(409);
    expect(await json<Problem>(twice)).toMatchObject({
      code: "invalid_order_state",
      detail: "Only a placed order can be fulfilled; this one is fulfilled",
    });

    const second = await placedOrder();
    expect((await cancel(second.order.id, second.customer.token)).status).toBe(200);
    const res = await fulfill(second.order.id, admin.token);
    expect(res.status).toBe(409);
    expect(await json<Problem>(res)).toMatchObject({ code: "invalid_order_state" });
  });

  it("customers get 403, even for their own order; no token 401", async () => {
    const { customer, order } = await placedOrder();
    const res = await fulfill(order.id, customer.token);
    expect(res.status).toBe(403);
    expect(await json<Problem>(res)).toMatchObject({ code: "forbidden" });
    expect((await fulfill(order.id)).status).toBe(401);
    const fetched = await json<OrderBody>(
      await api(`/api/v1/orders/${order.id}`, { token: customer.token }),
    );
    expect(fetched.status).toBe("placed");
  });

  it("an unknown order is 404 order_not_found, a malformed id 422", async () => {
    const admin = await createAdmin();
    const unknown = await fulfill("0190b5c2-0000-7000-8000-000000000000", admin.token);
    expect(unknown.status).toBe(404);
    expect(await json<Problem>(unknown)).toMatchObject({ code: "order_not_found" });
    expect((await fulfill("nope", admin.token)).status).toBe(422);
  });
});

describe("unsupported methods", () => {
  it("GET on an action is 405 with Allow", async () => {
    const { customer, order } = await placedOrder();
    const res = await api(`/api/v1/orders/${order.id}/cancel`, { token: customer.token });
    expect(res.status).toBe(405);
    expect(res.headers.get("Allow")).toBe("POST");
  });
});
