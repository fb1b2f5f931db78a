import { env } from "cloudflare:workers";
import type {
  OrderPageResponse,
  OrderResponse,
  PlaceOrderBody,
} from "../../src/domains/orders/orders.schemas";
import { api } from "./http";

export type { Problem } from "../../src/http/problem";

export type OrderLineBody = PlaceOrderBody["items"][number];
export type OrderBody = OrderResponse;
export type OrderPage = OrderPageResponse;

/** POST /api/v1/orders, with an Idempotency-Key when given. */
export function placeOrder(
  token: string,
  items: OrderLineBody[],
  idempotencyKey?: string,
): Promise<Response> {
  return api("/api/v1/orders", {
    method: "POST",
    token,
    body: { items },
    headers: idempotencyKey === undefined ? {} : { "Idempotency-Key": idempotencyKey },
  });
}

/** Places an order that must succeed, and returns its body. */
export async function placed(token: string, items: OrderLineBody[]): Promise<OrderBody> {
  const response = await placeOrder(token, items);
  if (response.status !== 201) {
    throw new Error(`placing failed: ${response.status} ${await response.text()}`);
  }
  return response.json<OrderBody>();
}

export async function stockOf(productId: string): Promise<number | undefined> {
  const row = await env.DB.prepare("SELECT stock FROM products WHERE id = ?")
    .bind(productId)
    .first<{ stock: number }>();
  return row?.stock;
}

/** Rows an order placement writes, straight from D1 (`where` narrows every table). */
export async function rowCounts(filter: { userId: string; productIds: string[] }) {
  const marks = filter.productIds.map(() => "?").join(", ");
  const count = async (sql: string, ...params: unknown[]) =>
    (
      await env.DB.prepare(sql)
        .bind(...params)
        .first<{ n: number }>()
    )?.n ?? 0;
  return {
    orders: await count("SELECT COUNT(*) AS n FROM orders WHERE user_id = ?", filter.userId),
    items: await count(
      `SELECT COUNT(*) AS n FROM order_items WHERE product_id IN (${marks})`,
      ...filter.productIds,
    ),
    mail: await count(
      "SELECT COUNT(*) AS n FROM mail_outbox WHERE template = 'order_confirmation' AND recipient = (SELECT email FROM users WHERE id = ?)",
      filter.userId,
    ),
    idempotencyKeys: await count(
      "SELECT COUNT(*) AS n FROM idempotency_keys WHERE user_id = ?",
      filter.userId,
    ),
    stock: await Promise.all(filter.productIds.map(stockOf)),
  };
}
