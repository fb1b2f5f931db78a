import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { createDatabase } from "../../../src/db/client";
import { RequestD1 } from "../../../src/db/request-d1";
import { changedRows, d1UnitOfWork } from "../../../src/db/unit-of-work";
import { D1ProductsRepository } from "../../../src/domains/products/products.repository";
import { products } from "../../../src/domains/products/products.table";
import { createProduct } from "../../helpers/products";

/** A request's D1 (as the app builds it) and the unit of work over it. */
function requestScope() {
  const d1 = new RequestD1(env.DB, { constraint: "first-primary" });
  const db = createDatabase(d1);
  return { d1, work: d1UnitOfWork(db), repository: new D1ProductsRepository(db) };
}

async function stockOf(id: string) {
  const [row] = await createDatabase(env.DB).select().from(products).where(eq(products.id, id));
  return row?.stock;
}

describe("a unit of work holding compiled and Drizzle-built statements", () => {
  it("commits them in one round trip and gives each its D1 result", async () => {
    const sold = await createProduct({ stock: 5, priceCents: 700 });
    const returned = await createProduct({ stock: 1 });
    const { d1, work, repository } = requestScope();
    const at = new Date().toISOString();
    const price = { priceCents: 700, currency: "USD" };
    const results = await work
      .begin()
      // Compiled once per isolate, and built by Drizzle for this request, respectively.
      .add(repository.reserveStock(sold.id, 2, at, price), repository.restock(returned.id, 3, at))
      .commit();
    expect(d1.stats.roundTrips).toBe(1);
    expect(results.map(changedRows)).toEqual([1, 1]);
    expect(await stockOf(sold.id)).toBe(3);
    expect(await stockOf(returned.id)).toBe(4);
  });

  it("commits none of them when one is refused", async () => {
    const sold = await createProduct({ stock: 1, priceCents: 700 });
    const returned = await createProduct({ stock: 1 });
    const { work, repository } = requestScope();
    const at = new Date().toISOString();
    const price = { priceCents: 700, currency: "USD" };
    const commit = work
      .begin()
      .add(repository.restock(returned.id, 3, at), repository.reserveStock(sold.id, 2, at, price))
      .commit();
    await expect(commit).rejects.toSatisfy((error) => repository.isStockRefusal(error));
    expect(await stockOf(sold.id)).toBe(1);
    expect(await stockOf(returned.id)).toBe(1);
  });
});
