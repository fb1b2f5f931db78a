import { type FieldError, ValidationError } from "../../lib/errors";
import type { Tier } from "../users/users.values";
import { MixedCurrencyError } from "./orders.errors";

/**
 * Order arithmetic: pure, integer minor units only (never floats). The largest possible
 * order (50 lines of 1000 at the highest catalog price) stays far below 2^53, so plain
 * numbers are exact.
 */
export const MAX_ORDER_LINES = 50;
export const MAX_LINE_QUANTITY = 1000;
/** Premium customers get a tenth of the subtotal off, rounded down to the cent. */
export const PREMIUM_DISCOUNT_DIVISOR = 10;

/** A line as stored: sku, name and unit price are a snapshot taken at placement. */
export type OrderLine = {
  productId: string;
  sku: string;
  name: string;
  unitPriceCents: number;
  quantity: number;
  lineTotalCents: number;
};

export type PricedProduct = {
  id: string;
  sku: string;
  name: string;
  priceCents: number;
  currency: string;
};

export type PricedOrder = {
  items: OrderLine[];
  subtotalCents: number;
  discountCents: number;
  totalCents: number;
  currency: string;
};

export function discountFor(tier: Tier, subtotalCents: number): number {
  return tier === "premium" ? Math.floor(subtotalCents / PREMIUM_DISCOUNT_DIVISOR) : 0;
}

/** One entry per repeated product (`items.<i>.product_id`): a product appears at most once. */
export function duplicateProductErrors(lines: readonly { productId: string }[]): FieldError[] {
  const seen = new Set<string>();
  return lines.flatMap((line, index) => {
    if (!seen.has(line.productId)) {
      seen.add(line.productId);
      return [];
    }
    return [
      {
        path: `items.${index}.product_id`,
        message: "This product is already on another line; order it once with a larger quantity",
        code: "duplicate_product",
      },
    ];
  });
}

/** Checks what the HTTP schema checks, for callers that do not come through it. */
export function assertValidLines(lines: readonly { productId: string; quantity: number }[]): void {
  const errors = duplicateProductErrors(lines);
  if (lines.length < 1 || lines.length > MAX_ORDER_LINES) {
    errors.push({
      path: "items",
      message: `1 to ${MAX_ORDER_LINES} lines`,
      code: "invalid_line_count",
    });
  }
  lines.forEach((line, index) => {
    if (!Number.isInteger(line.quantity) || line.quantity < 1 || line.quantity > MAX_LINE_QUANTITY)
      errors.push({
        path: `items.${index}.quantity`,
        message: `An integer from 1 to ${MAX_LINE_QUANTITY}`,
        code: "invalid_quantity",
      });
  });
  if (errors.length > 0) throw new ValidationError(errors);
}

/**
 * Prices the lines in the order given. All products must share one currency (an order has
 * a single total); otherwise MixedCurrencyError names the first line that differs.
 */
export function priceOrder(
  lines: readonly { product: PricedProduct; quantity: number }[],
  tier: Tier,
): PricedOrder {
  const first = lines[0];
  if (!first) throw new RangeError("An order needs at least one line");
  const currency = first.product.currency;
  const mixed = lines.findIndex((line) => line.product.currency !== currency);
  if (mixed !== -1) throw new MixedCurrencyError(mixed, currency);

  const items = lines.map(({ product, quantity }) => ({
    productId: product.id,
    sku: product.sku,
    name: product.name,
    unitPriceCents: product.priceCents,
    quantity,
    lineTotalCents: product.priceCents * quantity,
  }));
  const subtotalCents = items.reduce((sum, item) => sum + item.lineTotalCents, 0);
  const discountCents = discountFor(tier, subtotalCents);
  return {
    items,
    subtotalCents,
    discountCents,
    totalCents: subtotalCents - discountCents,
    currency,
  };
}
