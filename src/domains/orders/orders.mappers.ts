import type { OrderResponse, PlaceOrderBody } from "./orders.schemas";
import type { Order, OrderLineInput } from "./orders.service";

export function toOrderResponse(order: Order): OrderResponse {
  return {
    id: order.id,
    user_id: order.userId,
    status: order.status,
    items: order.items.map((item) => ({
      product_id: item.productId,
      sku: item.sku,
      name: item.name,
      unit_price_cents: item.unitPriceCents,
      quantity: item.quantity,
      line_total_cents: item.lineTotalCents,
    })),
    subtotal_cents: order.subtotalCents,
    discount_cents: order.discountCents,
    total_cents: order.totalCents,
    currency: order.currency,
    created_at: order.createdAt,
    updated_at: order.updatedAt,
  };
}

export function toOrderLines(body: PlaceOrderBody): OrderLineInput[] {
  return body.items.map((item) => ({ productId: item.product_id, quantity: item.quantity }));
}
