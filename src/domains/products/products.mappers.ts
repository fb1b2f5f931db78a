import type { ProductListFilters, ProductRecord, ProductValues } from "./products.repository";
import type { Product, ProductCreate, ProductFilters, ProductPatch } from "./products.schemas";

/** The writable fields: API name → record name, written once for create, replace and patch. */
const WRITABLE = {
  sku: "sku",
  name: "name",
  description: "description",
  price_cents: "priceCents",
  currency: "currency",
  stock: "stock",
} as const satisfies Record<keyof ProductCreate, keyof ProductValues>;

export function toProductResponse(record: ProductRecord): Product {
  return {
    id: record.id,
    sku: record.sku,
    name: record.name,
    description: record.description,
    price_cents: record.priceCents,
    currency: record.currency,
    stock: record.stock,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
    version: record.version,
  };
}

export function toProductFilters(query: ProductFilters): ProductListFilters {
  return {
    q: query.q,
    minPriceCents: query.min_price_cents,
    maxPriceCents: query.max_price_cents,
    inStock: query.in_stock,
  };
}

/** The fields a PATCH sends, renamed; absent ones stay absent (they are left unchanged). */
export function toProductPatch(body: ProductPatch): Partial<ProductValues> {
  const values: Record<string, unknown> = {};
  for (const [field, column] of Object.entries(WRITABLE)) {
    const value = body[field as keyof ProductPatch];
    if (value !== undefined) values[column] = value;
  }
  // Each value was read from the body field WRITABLE pairs with its record field.
  return values as Partial<ProductValues>;
}

/** A whole product (POST, PUT): the schema requires or defaults every writable field. */
export function toProductValues(body: ProductCreate): ProductValues {
  return toProductPatch(body) as ProductValues;
}
