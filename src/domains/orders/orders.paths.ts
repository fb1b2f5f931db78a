import type { OperationPaths } from "../../http/lazy-routes";

/**
 * The operations orders.routes.ts serves, in its order: the one place their method and path are
 * written (orders.openapi.ts spreads them). The app routes these at startup and imports the
 * router, with its schemas, on the first request for one of them (src/routers.ts).
 */
export const ORDERS_PATHS = {
  placeOrder: { method: "post", path: "/orders" },
  listOrders: { method: "get", path: "/orders" },
  getOrder: { method: "get", path: "/orders/{order_id}" },
  cancelOrder: { method: "post", path: "/orders/{order_id}/cancel" },
  fulfillOrder: { method: "post", path: "/orders/{order_id}/fulfill" },
  listUserOrders: { method: "get", path: "/users/{user_id}/orders" },
} as const satisfies OperationPaths;
