import { ConflictError, FieldValidationError, NotFoundError } from "../../lib/errors";

export class OrderNotFoundError extends NotFoundError {
  static override readonly code = "order_not_found";
  constructor(orderId: string) {
    super(`No order with id ${orderId}`);
  }
}

/** A line the stock could not cover, as the problem detail names it. */
export type Shortage = { name: string; asked: number; available: number };

export class OutOfStockError extends ConflictError {
  static override readonly code = "out_of_stock";
  static override readonly title = "Out of stock";
  constructor(readonly shortages: Shortage[]) {
    super(
      shortages.length > 0
        ? shortages
            .map((s) => `Not enough stock for '${s.name}' (asked ${s.asked}, have ${s.available})`)
            .join("; ")
        : "The stock changed while the order was being placed; try again",
    );
  }
}

/** A customer may hold only so many placed (unpaid, unfulfilled) orders: no stock hoarding. */
export class TooManyOpenOrdersError extends ConflictError {
  static override readonly code = "too_many_open_orders";
  static override readonly title = "Too many open orders";
  constructor(max: number) {
    super(`You already have ${max} placed orders; wait for them to be fulfilled or cancel one`);
  }
}

export class InvalidOrderStateError extends ConflictError {
  static override readonly code = "invalid_order_state";
  static override readonly title = "Invalid order state";
  constructor(action: "cancel" | "fulfill", status: string) {
    super(
      `Only a placed order can be ${action === "cancel" ? "cancelled" : "fulfilled"}; this one is ${status}`,
    );
  }
}

/** An order has one currency: every product on it must be priced in it. */
export class MixedCurrencyError extends FieldValidationError {
  static override readonly code = "mixed_currency";
  constructor(lineIndex: number, currency: string) {
    super(
      `items.${lineIndex}.product_id`,
      `Every product of an order must be priced in the same currency (${currency})`,
    );
  }
}
