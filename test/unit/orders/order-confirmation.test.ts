import { describe, expect, it } from "vitest";
import { renderStored } from "../../../src/domains/mail/mail.templates";
import { formatMoney } from "../../../src/lib/money";

describe("formatMoney", () => {
  it("renders minor units with the currency's own decimals", () => {
    expect(formatMoney(123456, "USD")).toBe("$1,234.56");
    expect(formatMoney(5, "EUR")).toBe("€0.05");
    expect(formatMoney(1500, "JPY")).toBe("¥1,500");
  });
});

describe("the order_confirmation email", () => {
  const payload = {
    order_id: "0190b5c2-7a1e-7cc3-9f4a-5d2b6c1e8a90",
    currency: "USD",
    subtotal_cents: 2997,
    discount_cents: 299,
    total_cents: 2698,
    items: [
      {
        sku: "MUG-1",
        name: "Blue mug",
        quantity: 3,
        unit_price_cents: 999,
        line_total_cents: 2997,
      },
    ],
  };

  it("lists the lines and the totals, with the discount when there is one", () => {
    const mail = renderStored("order_confirmation", JSON.stringify(payload));
    expect(mail.subject).toBe(`Order confirmed: ${payload.order_id}`);
    expect(mail.text).toContain("3 x Blue mug (MUG-1) at $9.99: $29.97");
    expect(mail.text).toContain("Subtotal: $29.97");
    expect(mail.text).toContain("Discount: -$2.99");
    expect(mail.text).toContain("Total: $26.98");
  });

  it("leaves the discount line out when there is none", () => {
    const mail = renderStored(
      "order_confirmation",
      JSON.stringify({ ...payload, discount_cents: 0, total_cents: 2997 }),
    );
    expect(mail.text).not.toContain("Discount");
  });

  it("refuses a payload that does not match the template", () => {
    expect(() => renderStored("order_confirmation", JSON.stringify({ order_id: "x" }))).toThrow();
  });
});
