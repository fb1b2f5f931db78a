import { beforeEach, describe, expect, it } from "vitest";
import { ProductsService } from "../../../src/domains/products/products.service";
import type { Clock } from "../../../src/lib/clock";
import { encodeCursor } from "../../../src/lib/cursor";
import { ValidationError } from "../../../src/lib/errors";
import { FakeProductsRepository } from "../../fakes/products";

const values = (
  overrides: Partial<{ sku: string; name: string; priceCents: number; stock: number }> = {},
) => ({
  sku: "SKU-1",
  name: "Mug",
  description: "",
  priceCents: 1000,
  currency: "USD",
  stock: 3,
  ...overrides,
});

describe("ProductsService", () => {
  let repository: FakeProductsRepository;
  let service: ProductsService;
  let now: Date;
  const clock: Clock = { now: () => now };

  beforeEach(() => {
    repository = new FakeProductsRepository();
    service = new ProductsService(repository, clock);
    now = new Date("2026-11-21T10:00:00.000Z");
  });

  it("creates a product at version 1 with the clock's timestamps", async () => {
    const product = await service.create(values());
    expect(product).toMatchObject({ version: 1, createdAt: now.toISOString(), archivedAt: null });
    expect(await service.get(product.id)).toEqual(product);
  });

  it("refuses a second product with the same sku", async () => {
    await service.create(values());
    await expect(service.create(values())).rejects.toMatchObject({ code: "sku_taken" });
  });

  it("get of an unknown or archived product is product_not_found", async () => {
    await expect(service.get("missing")).rejects.toMatchObject({ code: "product_not_found" });
    const product = await service.create(values());
    repository.referenced.add(product.id);
    await service.delete(product.id);
    await expect(service.get(product.id)).rejects.toMatchObject({ code: "product_not_found" });
  });

  describe("update", () => {
    it("without If-Match writes unconditionally and bumps the version", async () => {
      const product = await service.create(values());
      now = new Date("2026-11-22T10:00:00.000Z");
      const updated = await service.update(product.id, { stock: 9 }, undefined);
      expect(updated).toMatchObject({ stock: 9, version: 2, updatedAt: now.toISOString() });
    });

    it("with a matching version succeeds; with a stale one is precondition_failed", async () => {
      const product = await service.create(values());
      await expect(service.update(product.id, { stock: 1 }, [1])).resolves.toMatchObject({
        version: 2,
      });
      await expect(service.update(product.id, { stock: 2 }, [1])).rejects.toMatchObject({
        code: "precondition_failed",
      });
      expect((await service.get(product.id)).stock).toBe(1);
    });

    it("an If-Match that names no version (weak or foreign tag) never matches", async () => {
      const product = await service.create(values());
      await expect(service.update(product.id, { stock: 1 }, [])).rejects.toMatchObject({
        code: "precondition_failed",
      });
    });

    it("* matches any current version", async () => {
      const product = await service.create(values());
      await expect(service.update(product.id, { stock: 1 }, "*")).resolves.toMatchObject({
        stock: 1,
      });
    });

    it("a concurrent write between the check and the write is precondition_failed, not a lost update", async () => {
      const product = await service.create(values());
      repository.beforeUpdate = () => {
        const row = repository.rows.get(product.id);
        if (row) repository.rows.set(product.id, { ...row, stock: 50, version: row.version + 1 });
        repository.beforeUpdate = undefined;
      };
      await expect(service.update(product.id, { stock: 1 }, [1])).rejects.toMatchObject({
        code: "precondition_failed",
      });
      expect((await service.get(product.id)).stock).toBe(50);
    });

    it("* still succeeds when another write lands between the check and the write", async () => {
      const product = await service.create(values());
      repository.beforeUpdate = () => {
        const row = repository.rows.get(product.id);
        if (row) repository.rows.set(product.id, { ...row, version: row.version + 1 });
        repository.beforeUpdate = undefined;
      };
      await expect(service.update(product.id, { stock: 7 }, "*")).resolves.toMatchObject({
        stock: 7,
      });
    });

    it("renaming the sku to a taken one is sku_taken", async () => {
      await service.create(values({ sku: "A" }));
      const b = await service.create(values({ sku: "B" }));
      await expect(service.update(b.id, { sku: "A" }, undefined)).rejects.toMatchObject({
        code: "sku_taken",
      });
    });

    it("an unknown product is product_not_found", async () => {
      await expect(service.update("missing", { stock: 1 }, undefined)).rejects.toMatchObject({
        code: "product_not_found",
      });
    });
  });

  describe("delete", () => {
    it("hard-deletes a product no order references", async () => {
      const product = await service.create(values());
      await expect(service.delete(product.id)).resolves.toBe("deleted");
      expect(repository.rows.has(product.id)).toBe(false);
    });

    it("archives a product an order references, keeping the row", async () => {
      const product = await service.create(values());
      repository.referenced.add(product.id);
      await expect(service.delete(product.id)).resolves.toBe("archived");
      expect(repository.rows.get(product.id)?.archivedAt).toBe(now.toISOString());
      await expect(service.delete(product.id)).rejects.toMatchObject({ code: "product_not_found" });
    });
  });

  describe("list", () => {
    it("pages with a cursor that resumes exactly where the last page ended", async () => {
      for (let i = 0; i < 5; i += 1)
        await service.create(values({ sku: `S${i}`, priceCents: 100 * (5 - i) }));
      const first = await service.list({ sort: "price_cents", limit: 2 });
      expect(first.items.map((p) => p.priceCents)).toEqual([100, 200]);
      const second = await service.list({
        sort: "price_cents",
        limit: 2,
        cursor: first.nextCursor ?? "",
      });
      expect(second.items.map((p) => p.priceCents)).toEqual([300, 400]);
      const third = await service.list({
        sort: "price_cents",
        limit: 2,
        cursor: second.nextCursor ?? "",
      });
      expect(third.items.map((p) => p.priceCents)).toEqual([500]);
      expect(third.nextCursor).toBeNull();
    });

    it("rejects a cursor from another sort, or garbage, as invalid_cursor", async () => {
      for (let i = 0; i < 3; i += 1) await service.create(values({ sku: `S${i}` }));
      const page = await service.list({ sort: "name", limit: 1 });
      const reused = service.list({ sort: "-name", limit: 1, cursor: page.nextCursor ?? "" });
      await expect(reused).rejects.toBeInstanceOf(ValidationError);
      await expect(reused).rejects.toMatchObject({ code: "invalid_cursor" });
      await expect(service.list({ sort: "name", limit: 1, cursor: "@@@" })).rejects.toMatchObject({
        code: "invalid_cursor",
      });
      // A hand-made cursor whose value has the wrong type for the sort.
      const forged = encodeCursor("price_cents", { value: "cheap", id: "x" });
      await expect(
        service.list({ sort: "price_cents", limit: 1, cursor: forged }),
      ).rejects.toMatchObject({
        code: "invalid_cursor",
      });
    });
  });
});
