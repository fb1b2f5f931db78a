import { describe, expect, it } from "vitest";
import {
  discountFor,
  duplicateProductErrors,
  MAX_LINE_QUANTITY,
  MAX_ORDER_LINES,
  priceOrder,
} from "../../../src/domains/orders/orders.pricing";

const product = (id: string, priceCents: number, currency = "USD") => ({
  id,
  sku: `SKU-${id}`,
  name: `Product ${id}`,
  priceCents,
  currency,
});

describe("priceOrder", () => {
  it("multiplies each line and sums the subtotal, in integer cents", () => {
    const priced = priceOrder(
      [
        { product: product("a", 1250), quantity: 3 },
        { product: product("b", 199), quantity: 7 },
      ],
      "standard",
    );
    expect(priced.items.map((item) => item.lineTotalCents)).toEqual([3750, 1393]);
    expect(priced).toMatchObject({
      subtotalCents: 5143,
      discountCents: 0,
      totalCents: 5143,
      currency: "USD",
    });
    expect(priced.items[0]).toEqual({
      productId: "a",
      sku: "SKU-a",
      name: "Product a",
      unitPriceCents: 1250,
      quantity: 3,
      lineTotalCents: 3750,
    });
  });

  it("keeps the lines in the order given", () => {
    const priced = priceOrder(
      [
        { product: product("z", 1), quantity: 1 },
        { product: product("a", 1), quantity: 1 },
      ],
      "standard",
    );
    expect(priced.items.map((item) => item.productId)).toEqual(["z", "a"]);
  });

  it.each([
    [1999, 199],
    [1990, 199],
    [9, 0],
    [10, 1],
    [0, 0],
  ])("premium: a subtotal of %i cents gets floor(subtotal / 10) = %i off", (subtotal, discount) => {
    const priced = priceOrder([{ product: product("a", subtotal), quantity: 1 }], "premium");
    expect(priced.discountCents).toBe(discount);
    expect(priced.totalCents).toBe(subtotal - discount);
    expect(Number.isInteger(priced.totalCents)).toBe(true);
  });

  it("standard customers get no discount", () => {
    expect(discountFor("standard", 123_456)).toBe(0);
    expect(discountFor("premium", 123_456)).toBe(12_345);
  });

  it("stays exact for the largest possible order", () => {
    const lines = Array.from({ length: MAX_ORDER_LINES }, (_, i) => ({
      product: product(`p${i}`, 100_000_000 - i),
      quantity: MAX_LINE_QUANTITY,
    }));
    const priced = priceOrder(lines, "premium");
    const expected = lines.reduce((sum, line) => sum + BigInt(line.product.priceCents) * 1000n, 0n);
    expect(BigInt(priced.subtotalCents)).toBe(expected);
    expect(BigInt(priced.discountCents)).toBe(expected / 10n);
    expect(Number.isSafeInteger(priced.subtotalCents)).toBe(true);
  });

  it("refuses products in different currencies, naming the first line that differs", () => {
    expect(() =>
      priceOrder(
        [
          { product: product("a", 100, "EUR"), quantity: 1 },
          { product: product("b", 100, "EUR"), quantity: 1 },
          { product: product("c", 100, "USD"), quantity: 1 },
        ],
        "standard",
      ),
    ).toThrow(
      expect.objectContaining({
        code: "mixed_currency",
        errors: [expect.objectContaining({ path: "items.2.product_id", code: "mixed_currency" })],
      }),
    );
  });

  it("prices in the products' currency when they share one", () => {
    const priced = priceOrder([{ product: product("a", 500, "EUR"), quantity: 2 }], "standard");
    expect(priced.currency).toBe("EUR");
  });

  it("refuses an empty order", () => {
    expect(() => priceOrder([], "standard")).toThrow(RangeError);
  });
});

describe("duplicateProductErrors", () => {
  it("names every repeat of a product after its first line", () => {
    const errors = duplicateProductErrors([
      { productId: "a" },
      { productId: "b" },
      { productId: "a" },
      { productId: "a" },
    ]);
    expect(errors.map((error) => [error.path, error.code])).toEqual([
      ["items.2.product_id", "duplicate_product"],
      ["items.3.product_id", "duplicate_product"],
    ]);
  });

  it("is empty when every product appears once", () => {
    expect(duplicateProductErrors([{ productId: "a" }, { productId: "b" }])).toEqual([]);
  });
});
