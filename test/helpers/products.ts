import { env } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { products } from "../../src/domains/products/products.table";
import { newId } from "../../src/lib/ids";
import { unique } from "./factories";

export type TestProduct = {
  id: string;
  sku: string;
  name: string;
  price_cents: number;
  stock: number;
  version: number;
};

/** Inserts a catalog product directly (no HTTP), with unique SKU and name. */
export async function createProduct(
  overrides: Partial<{
    name: string;
    priceCents: number;
    stock: number;
    createdAt: string;
    currency: string;
  }> = {},
): Promise<TestProduct> {
  const now = overrides.createdAt ?? new Date().toISOString();
  const row = {
    id: newId(),
    sku: unique("SKU").toUpperCase(),
    name: overrides.name ?? unique("Product"),
    description: "",
    priceCents: overrides.priceCents ?? 1000,
    currency: overrides.currency ?? "USD",
    stock: overrides.stock ?? 10,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  await drizzle(env.DB).insert(products).values(row);
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    price_cents: row.priceCents,
    stock: row.stock,
    version: 1,
  };
}

export function newProductBody(overrides: Record<string, unknown> = {}) {
  return {
    sku: unique("SKU").toUpperCase(),
    name: "Blue mug",
    description: "A mug",
    price_cents: 1250,
    currency: "USD",
    stock: 5,
    ...overrides,
  };
}
