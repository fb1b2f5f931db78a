/** An order's life: placed, then cancelled (owner or admin) or fulfilled (admin). */
export const ORDER_STATUSES = ["placed", "cancelled", "fulfilled"] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

/** Placed orders a customer may hold at once; admins are not capped. */
export const MAX_OPEN_ORDERS = 20;
