import { describe, expect, it } from "vitest";
import { z } from "zod";
import { fieldErrors, MAX_FIELD_ERRORS } from "../../../src/http/validation";

const issuesOf = (schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(value);
  if (result.success) throw new Error("expected a failure");
  return result.error.issues;
};

describe("fieldErrors", () => {
  it("gives one entry per field, the first issue winning", () => {
    const schema = z.object({ price_cents: z.number().int().max(100) });
    const issues = issuesOf(schema, { price_cents: Number.MAX_SAFE_INTEGER + 2 });
    expect(issues.length).toBeGreaterThan(1);
    const errors = fieldErrors(issues);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.path).toBe("price_cents");
  });

  it("names each unknown field by its own path", () => {
    const schema = z.strictObject({ items: z.array(z.strictObject({ quantity: z.number() })) });
    expect(
      fieldErrors(issuesOf(schema, { items: [{ quantity: 1, price: 2 }], role: "admin" })),
    ).toEqual([
      { path: "items.0.price", message: "Unknown field 'price'", code: "unrecognized_keys" },
      { path: "role", message: "Unknown field 'role'", code: "unrecognized_keys" },
    ]);
  });

  it("caps the list, so a body of thousands of bad keys gets a small answer", () => {
    const body = Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`k${i}`, i]));
    expect(fieldErrors(issuesOf(z.strictObject({}), body))).toHaveLength(MAX_FIELD_ERRORS);
  });
});
