import { ConflictError, NotFoundError, ValidationError } from "../../lib/errors";

export class OrderNotFoundError extends NotFoundError {
  constructor(orderId: string) {
    super("order_not_found", `No order with id ${orderId}`);
  }
}

/** A line the stock could not cover, as the problem detail names it. */
export type Shortage = { name: string; asked: number; available: number };

export class OutOfStockError extends ConflictError {
  constructor(readonly shortages: Shortage[]) {
    const detail =
      shortages.length > 0
        ? shortages
            .map((s) => `Not enough stock for '${s.name}' (asked ${s.asked}, have ${s.available})`)
            .join("; ")
        : "The stock changed while the order was being placed; try again";
    super("out_of_stock", "Out of stock", detail);
  }
}

/** A customer may hold only so many placed (unpaid, unfulfilled) orders: no stock hoarding. */
export class TooManyOpenOrdersError extends ConflictError {
  constructor(max: number) {
    super(
      "too_many_open_orders",
      "Too many open orders",
      `You already have ${max} placed orders; wait for them to be fulfilled or cancel one`,
    );
  }
}

export class InvalidOrderStateError extends ConflictError {
  constructor(action: "cancel" | "fulfill", status: string) {
    super(
      "invalid_order_state",
      "Invalid order state",
      `Only a placed order can be ${action === "cancel" ? "cancelled" : "fulfilled"}; this one is ${status}`,
    );
  }
}

/** An order has one currency: every product on it must be priced in it. */
export class MixedCurrencyError extends ValidationError {
  constructor(lineIndex: number, currency: string) {
    const message = `Every product of an order must be priced in the same currency (${currency})`;
    super(
      [{ path: `items.${lineIndex}.product_id`, message, code: "mixed_currency" }],
      "mixed_currency",
      message,
    );
  }
}
