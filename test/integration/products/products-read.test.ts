import { describe, expect, it } from "vitest";
import type { ProductPageResponse as Page } from "../../../src/domains/products/products.schemas";
import type { Problem } from "../../../src/http/problem";
import { unique } from "../../helpers/factories";
import { api, json } from "../../helpers/http";
import { createProduct } from "../../helpers/products";

async function listAll(
  query: string,
): Promise<{ ids: string[]; pages: number; links: (string | null)[] }> {
  const ids: string[] = [];
  const links: (string | null)[] = [];
  let path: string | null = `/api/v1/products?${query}`;
  let pages = 0;
  while (path && pages < 50) {
    const res = await api(path);
    expect(res.status).toBe(200);
    const page = await json<Page>(res);
    ids.push(...page.items.map((p) => p.id));
    links.push(res.headers.get("Link"));
    pages += 1;
    path = page.next_cursor
      ? `/api/v1/products?${query}&cursor=${encodeURIComponent(page.next_cursor)}`
      : null;
  }
  return { ids, pages, links };
}

describe("GET /api/v1/products (list)", () => {
  it("pages through a filtered catalog without gaps or repeats, with Link headers", async () => {
    const tag = unique("pager");
    const created = [];
    for (let i = 0; i < 7; i += 1) created.push(await createProduct({ name: `${tag} ${i}` }));
    const { ids, pages, links } = await listAll(`q=${tag}&limit=3&sort=created_at`);
    expect(ids).toEqual(created.map((p) => p.id));
    expect(pages).toBe(3);
    expect(links[0]).toMatch(
      /^<\/api\/v1\/products\?q=.+&limit=3&sort=created_at&cursor=[\w-]+>; rel="next"$/,
    );
    expect(links[2]).toBeNull();
  });

  it("defaults to 20 items, newest first", async () => {
    const res = await api("/api/v1/products");
    expect(res.status).toBe(200);
    const page = await json<Page>(res);
    expect(page.items.length).toBeLessThanOrEqual(20);
    const created = page.items.map((p) => p.created_at);
    expect([...created].sort().reverse()).toEqual(created);
  });

  it("sorts by price and by name, both directions, with id breaking ties", async () => {
    const tag = unique("sort");
    const prices = [300, 100, 300, 200];
    const products = [];
    for (const [i, price] of prices.entries()) {
      products.push(
        await createProduct({ name: `${tag} ${String.fromCharCode(100 - i)}`, priceCents: price }),
      );
    }
    const byPriceAsc = await listAll(`q=${tag}&limit=2&sort=price_cents`);
    const expectedAsc = [...products]
      .sort((a, b) => a.price_cents - b.price_cents || (a.id < b.id ? -1 : 1))
      .map((p) => p.id);
    expect(byPriceAsc.ids).toEqual(expectedAsc);

    const byPriceDesc = await listAll(`q=${tag}&limit=2&sort=-price_cents`);
    expect(byPriceDesc.ids).toEqual([...expectedAsc].reverse());

    const byName = await listAll(`q=${tag}&limit=3&sort=name`);
    expect(byName.ids).toEqual(
      [...products].sort((a, b) => (a.name < b.name ? -1 : 1)).map((p) => p.id),
    );
    const byNameDesc = await listAll(`q=${tag}&sort=-name`);
    expect(byNameDesc.ids).toEqual([...byName.ids].reverse());
  });

  it("filters by price range and stock", async () => {
    const tag = unique("filter");
    const cheap = await createProduct({ name: `${tag} cheap`, priceCents: 100, stock: 0 });
    const mid = await createProduct({ name: `${tag} mid`, priceCents: 500, stock: 2 });
    const dear = await createProduct({ name: `${tag} dear`, priceCents: 900, stock: 1 });
    const ids = async (query: string) => (await listAll(`q=${tag}&sort=price_cents&${query}`)).ids;
    expect(await ids("min_price_cents=500")).toEqual([mid.id, dear.id]);
    expect(await ids("max_price_cents=500")).toEqual([cheap.id, mid.id]);
    expect(await ids("min_price_cents=200&max_price_cents=800")).toEqual([mid.id]);
    expect(await ids("in_stock=true")).toEqual([mid.id, dear.id]);
    expect(await ids("in_stock=false")).toEqual([cheap.id]);
  });

  it("q matches name or sku case-insensitively and treats % and _ literally", async () => {
    const tag = unique("Needle");
    const product = await createProduct({ name: `Big ${tag} thing` });
    expect((await listAll(`q=${tag.toLowerCase()}`)).ids).toEqual([product.id]);
    expect((await listAll(`q=${encodeURIComponent(product.sku.slice(0, 12))}`)).ids).toContain(
      product.id,
    );
    expect((await listAll(`q=${encodeURIComponent("%")}`)).ids).toEqual([]);
  });

  it.each([
    ["sort=stock", "sort"],
    ["sort=-id", "sort"],
    ["limit=0", "limit"],
    ["limit=101", "limit"],
    ["limit=abc", "limit"],
    ["limit=1e2", "limit"],
    ["limit=0x5", "limit"],
    ["limit=%205", "limit"],
    ["limit=5.0", "limit"],
    ["min_price_cents=", "min_price_cents"],
    ["min_price_cents=-1", "min_price_cents"],
    ["max_price_cents=1.5", "max_price_cents"],
    ["min_price_cents=10&max_price_cents=5", "min_price_cents"],
    ["in_stock=yes", "in_stock"],
    ["cursor=%25%25%25", "cursor"],
    ["cursor=bm90LWpzb24", "cursor"],
  ])("422 for %s", async (query, path) => {
    const res = await api(`/api/v1/products?${query}`);
    expect(res.status).toBe(422);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    expect((await json<Problem>(res)).errors?.map((e) => e.path)).toContain(path);
  });

  it("refuses a cursor minted for another sort order", async () => {
    const tag = unique("cursor");
    for (let i = 0; i < 3; i += 1) await createProduct({ name: `${tag} ${i}` });
    const first = await json<Page>(await api(`/api/v1/products?q=${tag}&limit=1&sort=name`));
    expect(first.next_cursor).toBeTruthy();
    const res = await api(
      `/api/v1/products?q=${tag}&limit=1&sort=price_cents&cursor=${first.next_cursor}`,
    );
    expect(res.status).toBe(422);
    expect(await json<Problem>(res)).toMatchObject({ code: "invalid_cursor" });
  });
});

describe("HEAD and OPTIONS /api/v1/products", () => {
  it("HEAD gives X-Total-Count for the same filters and Last-Modified, no body", async () => {
    const tag = unique("head");
    await createProduct({ name: `${tag} a`, stock: 0 });
    await createProduct({ name: `${tag} b`, stock: 5, createdAt: "2026-11-21T10:00:00.000Z" });
    const all = await api(`/api/v1/products?q=${tag}`, { method: "HEAD" });
    expect(all.status).toBe(200);
    expect(all.headers.get("X-Total-Count")).toBe("2");
    expect(await all.text()).toBe("");
    const inStock = await api(`/api/v1/products?q=${tag}&in_stock=true`, { method: "HEAD" });
    expect(inStock.headers.get("X-Total-Count")).toBe("1");
    expect(inStock.headers.get("Last-Modified")).toBe("Sat, 21 Nov 2026 10:00:00 GMT");
    const none = await api(`/api/v1/products?q=${unique("nothing")}`, { method: "HEAD" });
    expect(none.headers.get("X-Total-Count")).toBe("0");
    expect(none.headers.get("Last-Modified")).toBeNull();
  });

  it("HEAD with a bad filter is 422", async () => {
    const res = await api("/api/v1/products?in_stock=maybe", { method: "HEAD" });
    expect(res.status).toBe(422);
  });

  it("OPTIONS answers 204 with Allow", async () => {
    const res = await api("/api/v1/products", { method: "OPTIONS" });
    expect(res.status).toBe(204);
    expect(res.headers.get("Allow")).toBe("GET, HEAD, POST, OPTIONS");
  });
});

describe("GET /api/v1/products/{id}", () => {
  it("returns the product with an ETag; If-None-Match with it gives 304", async () => {
    const product = await createProduct();
    const res = await api(`/api/v1/products/${product.id}`);
    expect(res.status).toBe(200);
    const etag = res.headers.get("ETag");
    expect(etag).toBe('"v1"');
    expect(await json(res)).toMatchObject({ id: product.id, sku: product.sku, version: 1 });

    const notModified = await api(`/api/v1/products/${product.id}`, {
      headers: { "If-None-Match": etag ?? "" },
    });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get("ETag")).toBe(etag);
    expect(await notModified.text()).toBe("");

    const weak = await api(`/api/v1/products/${product.id}`, {
      headers: { "If-None-Match": `W/${etag}` },
    });
    expect(weak.status).toBe(304);
    const stale = await api(`/api/v1/products/${product.id}`, {
      headers: { "If-None-Match": '"v0"' },
    });
    expect(stale.status).toBe(200);
  });

  it("404 product_not_found for an unknown id, 422 for a malformed one", async () => {
    const missing = await api("/api/v1/products/0190b5c2-7a1e-7cc3-9f4a-5d2b6c1e8a90");
    expect(missing.status).toBe(404);
    expect(await json<Problem>(missing)).toMatchObject({ code: "product_not_found" });
    const malformed = await api("/api/v1/products/42");
    expect(malformed.status).toBe(422);
    expect((await json<Problem>(malformed)).errors?.[0]?.path).toBe("product_id");
  });
});
