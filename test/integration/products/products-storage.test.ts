import { env } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { orderItems, orders } from "../../../src/domains/orders/orders.table";
import { D1ProductsRepository } from "../../../src/domains/products/products.repository";
import { ProductsService } from "../../../src/domains/products/products.service";
import { products } from "../../../src/domains/products/products.table";
import { PRODUCT_SORTS } from "../../../src/domains/products/products.values";
import { systemClock } from "../../../src/lib/clock";
import { newId } from "../../../src/lib/ids";
import { createAdmin, createCustomer } from "../../helpers/factories";
import { api, json } from "../../helpers/http";
import { createProduct } from "../../helpers/products";
import { type RecordedQuery, recordingD1, rowsRead } from "../../helpers/query-cost";

/** The products service over real D1, recording every SQL statement it runs. */
function recordingService() {
  const { d1, queries } = recordingD1();
  return {
    service: new ProductsService(new D1ProductsRepository(drizzle(d1)), systemClock),
    queries,
  };
}

describe("keyset pagination cost", () => {
  it("every page of every sort reads at most limit + 1 rows", async () => {
    for (let i = 0; i < 30; i += 1) await createProduct({ priceCents: (i * 37) % 11 });
    const limit = 4;
    for (const sort of PRODUCT_SORTS) {
      const { service, queries } = recordingService();
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await service.list({ sort, limit, cursor });
        const query = queries.at(-1);
        expect(query).toBeDefined();
        expect(await rowsRead(query as RecordedQuery), `${sort} page ${pages}`).toBeLessThanOrEqual(
          limit + 1,
        );
        cursor = page.nextCursor ?? undefined;
        pages += 1;
      } while (cursor && pages < 4);
      expect(pages, sort).toBe(4);
    }
  });
});

describe("deleting a product that is on an order", () => {
  it("archives it: gone from the catalog, still in the database for order history", async () => {
    const admin = await createAdmin();
    const customer = await createCustomer();
    const product = await createProduct();
    const db = drizzle(env.DB);
    const now = new Date().toISOString();
    const orderId = newId();
    await db.batch([
      db.insert(orders).values({
        id: orderId,
        userId: customer.id,
        status: "placed",
        subtotalCents: 1000,
        discountCents: 0,
        totalCents: 1000,
        currency: "USD",
        createdAt: now,
        updatedAt: now,
      }),
      db.insert(orderItems).values({
        orderId,
        productId: product.id,
        position: 0,
        sku: product.sku,
        name: product.name,
        unitPriceCents: 1000,
        quantity: 1,
        lineTotalCents: 1000,
      }),
    ]);

    const res = await api(`/api/v1/products/${product.id}`, {
      method: "DELETE",
      token: admin.token,
    });
    expect(res.status).toBe(204);
    expect((await api(`/api/v1/products/${product.id}`)).status).toBe(404);
    const page = await json<{ items: { id: string }[] }>(
      await api(`/api/v1/products?q=${encodeURIComponent(product.name)}`),
    );
    expect(page.items).toEqual([]);
    const head = await api(`/api/v1/products?q=${encodeURIComponent(product.name)}`, {
      method: "HEAD",
    });
    expect(head.headers.get("X-Total-Count")).toBe("0");

    const [row] = await db.select().from(products).where(eqId(product.id));
    expect(row?.archivedAt).toBeTruthy();

    const patch = await api(`/api/v1/products/${product.id}`, {
      method: "PATCH",
      token: admin.token,
      body: { stock: 1 },
    });
    expect(patch.status).toBe(404);
    const again = await api(`/api/v1/products/${product.id}`, {
      method: "DELETE",
      token: admin.token,
    });
    expect(again.status).toBe(404);
  });
});

describe("compiled reads (SQL built once per isolate)", () => {
  const repository = () => new D1ProductsRepository(drizzle(env.DB));

  it("a product by id is the record Drizzle's own query reads, and an archived one is absent", async () => {
    const product = await createProduct({ priceCents: 1234, stock: 7 });
    const [drizzleRow] = await drizzle(env.DB).select().from(products).where(eqId(product.id));
    expect(await repository().findById(product.id)).toEqual(drizzleRow);
    await drizzle(env.DB)
      .update(products)
      .set({ archivedAt: new Date().toISOString() })
      .where(eqId(product.id));
    expect(await repository().findById(product.id)).toBeNull();
    expect(await repository().findById("no-such-product")).toBeNull();
  });

  it("an order's catalog read is Drizzle's rows for any number of ids, archived and unknown ones absent", async () => {
    const a = await createProduct();
    const b = await createProduct();
    const archived = await createProduct();
    await drizzle(env.DB)
      .update(products)
      .set({ archivedAt: new Date().toISOString() })
      .where(eqId(archived.id));
    const drizzleRows = await drizzle(env.DB)
      .select()
      .from(products)
      .where(inArray(products.id, [a.id, b.id]));
    const byId = (rows: { id: string }[]) => [...rows].sort((x, y) => x.id.localeCompare(y.id));
    const found = await repository().findCatalogByIds([a.id, "no-such-product", archived.id, b.id]);
    expect(byId(found)).toEqual(byId(drizzleRows));
    expect(await repository().findCatalogByIds([b.id])).toEqual(
      drizzleRows.filter((row) => row.id === b.id),
    );
    expect(await repository().findCatalogByIds([])).toEqual([]);
  });
});

describe("database invariants", () => {
  it("refuses a negative stock even when written directly", async () => {
    const product = await createProduct({ stock: 1 });
    await expect(
      env.DB.prepare("UPDATE products SET stock = stock - 2 WHERE id = ?").bind(product.id).run(),
    ).rejects.toThrow(/CHECK constraint failed/);
  });
});

import { eq, inArray } from "drizzle-orm";

function eqId(id: string) {
  return eq(products.id, id);
}
