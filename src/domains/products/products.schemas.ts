import { z } from "@hono/zod-openapi";
import { PageQuerySchema, pageResponseSchema } from "../../http/page";
import { booleanQuery, containsQuery, wholeNumberQuery } from "../../http/query";
import { idInput } from "../../lib/ids";
import { PRODUCT_SORTS } from "./products.values";

const EXAMPLE_ID = "0190b5c2-7a1e-7cc3-9f4a-5d2b6c1e8a90";

const sku = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "letters, digits, '.', '_' and '-' only")
  .openapi({ example: "MUG-BLUE-001", description: "Stock keeping unit, unique" });
const name = z.string().trim().min(1).max(200).openapi({ example: "Blue mug" });
const description = z
  .string()
  .max(2000)
  .openapi({ example: "A 350 ml stoneware mug, dishwasher safe." });
const priceCents = z
  .number()
  .int()
  .min(0)
  .max(100_000_000)
  .openapi({ example: 1250, description: "Price in minor units of `currency`" });
const currency = z
  .string()
  .regex(/^[A-Z]{3}$/, "an ISO 4217 code such as USD")
  .openapi({ example: "USD", description: "ISO 4217 currency code" });
const stock = z.number().int().min(0).max(1_000_000).openapi({ example: 42 });

const NEW_PRODUCT_EXAMPLE = {
  sku: "MUG-BLUE-001",
  name: "Blue mug",
  description: "A 350 ml stoneware mug, dishwasher safe.",
  price_cents: 1250,
  currency: "USD",
  stock: 42,
};

const PRODUCT_EXAMPLE = {
  id: EXAMPLE_ID,
  ...NEW_PRODUCT_EXAMPLE,
  created_at: "2026-11-21T10:00:00.000Z",
  updated_at: "2026-11-21T10:00:00.000Z",
  version: 1,
};

export const ProductSchema = z
  .object({
    id: z.uuid().openapi({ example: EXAMPLE_ID }),
    sku,
    name,
    description,
    price_cents: priceCents,
    currency,
    stock,
    created_at: z.iso.datetime().openapi({ example: "2026-11-21T10:00:00.000Z" }),
    updated_at: z.iso.datetime().openapi({ example: "2026-11-21T10:00:00.000Z" }),
    version: z
      .number()
      .int()
      .min(1)
      .openapi({ example: 1, description: "Bumped on every write; the ETag is derived from it" }),
  })
  .openapi("Product", { example: PRODUCT_EXAMPLE });

const productFields = {
  sku,
  name,
  description: description.default(""),
  price_cents: priceCents,
  currency: currency.default("USD"),
  stock,
};

export const ProductCreateSchema = z
  .strictObject(productFields)
  .openapi("ProductCreate", { example: NEW_PRODUCT_EXAMPLE });

/** PUT replaces the whole representation: every field, defaults for the optional ones. */
export const ProductReplaceSchema = z
  .strictObject(productFields)
  .openapi("ProductReplace", { example: NEW_PRODUCT_EXAMPLE });

export const ProductPatchSchema = z
  .strictObject({
    sku: sku.optional(),
    name: name.optional(),
    description: description.optional(),
    price_cents: priceCents.optional(),
    currency: currency.optional(),
    stock: stock.optional(),
  })
  .refine((patch) => Object.keys(patch).length > 0, { message: "Send at least one field" })
  .openapi("ProductPatch", { example: { price_cents: 990, stock: 40 } });

export const ProductIdParams = z.object({
  product_id: idInput().openapi({ param: { name: "product_id", in: "path" }, example: EXAMPLE_ID }),
});

const filterFields = {
  q: containsQuery("Name or SKU contains (case-insensitive)", "mug"),
  min_price_cents: wholeNumberQuery(z.number().int().min(0)).optional().openapi({ example: 500 }),
  max_price_cents: wholeNumberQuery(z.number().int().min(0)).optional().openapi({ example: 5000 }),
  in_stock: booleanQuery
    .optional()
    .openapi({ param: { description: "true: stock > 0; false: stock = 0" }, example: "true" }),
};

function priceRangeIsOrdered(q: { min_price_cents?: number; max_price_cents?: number }): boolean {
  return (
    q.min_price_cents === undefined ||
    q.max_price_cents === undefined ||
    q.min_price_cents <= q.max_price_cents
  );
}
const priceRangeIssue = {
  message: "min_price_cents must not exceed max_price_cents",
  path: ["min_price_cents"],
};

export const ProductFilterQuery = z
  .object(filterFields)
  .refine(priceRangeIsOrdered, priceRangeIssue);

export const ProductListQuery = z
  .object({
    ...PageQuerySchema.shape,
    sort: z
      .enum(PRODUCT_SORTS)
      .default("-created_at")
      .openapi({
        param: { description: "Sort key; `-` for descending. Default `-created_at`" },
        example: "price_cents",
      }),
    ...filterFields,
  })
  .refine(priceRangeIsOrdered, priceRangeIssue);

export const ProductPageSchema = pageResponseSchema(ProductSchema, "ProductPage").openapi({
  example: {
    items: [PRODUCT_EXAMPLE],
    next_cursor: null,
  },
});

export type Product = z.infer<typeof ProductSchema>;
export type ProductCreate = z.infer<typeof ProductCreateSchema>;
export type ProductPatch = z.infer<typeof ProductPatchSchema>;
export type ProductFilters = z.infer<typeof ProductFilterQuery>;

export type ProductPageResponse = z.infer<typeof ProductPageSchema>;
