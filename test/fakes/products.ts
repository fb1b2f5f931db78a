import type {
  CatalogSummary,
  ProductListFilters,
  ProductOrder,
  ProductRecord,
  ProductsRepository,
  ProductValues,
  QuotedPrice,
} from "../../src/domains/products/products.repository";
import type { PageRequest } from "../../src/lib/cursor";
import { changed, fakeStatement, mapSnapshot, type Transactional } from "./unit-of-work";

/** What D1's CHECK (stock >= 0) does to a batch: aborts it. */
export class FakeStockRefusal extends Error {}

/** In-memory stand-in for D1: same contract, including sku uniqueness and order references. */
export class FakeProductsRepository implements ProductsRepository, Transactional {
  readonly rows = new Map<string, ProductRecord>();
  /** Product ids an order line references (the FK that turns delete into archive). */
  readonly referenced = new Set<string>();
  /** Called between the service's read and its write, to simulate a concurrent writer. */
  beforeUpdate: (() => void) | undefined;

  private catalog(filters: ProductListFilters): ProductRecord[] {
    return [...this.rows.values()].filter(
      (p) =>
        p.archivedAt === null &&
        (filters.q === undefined || p.name.toLowerCase().includes(filters.q.toLowerCase())) &&
        (filters.minPriceCents === undefined || p.priceCents >= filters.minPriceCents) &&
        (filters.maxPriceCents === undefined || p.priceCents <= filters.maxPriceCents) &&
        (filters.inStock === undefined || p.stock > 0 === filters.inStock),
    );
  }

  async list(filters: ProductListFilters, order: ProductOrder, page: PageRequest) {
    const sign = order.direction === "asc" ? 1 : -1;
    const key = (p: ProductRecord): [string | number, string] => [p[order.column], p.id];
    const compare = (a: [string | number, string], b: [string | number, string]) =>
      a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
    const cursor = page.cursor;
    return this.catalog(filters)
      .sort((a, b) => sign * compare(key(a), key(b)))
      .filter((p) => !cursor || sign * compare(key(p), [cursor.value, cursor.id]) >= 0)
      .slice(0, page.limit + 1);
  }

  async summary(filters: ProductListFilters): Promise<CatalogSummary> {
    const rows = this.catalog(filters);
    const lastModified =
      rows
        .map((p) => p.updatedAt)
        .sort()
        .at(-1) ?? null;
    return { count: rows.length, lastModified };
  }

  async findById(id: string) {
    const row = this.rows.get(id);
    return row && row.archivedAt === null ? row : null;
  }

  private skuTaken(sku: string, exceptId?: string): boolean {
    return [...this.rows.values()].some((p) => p.sku === sku && p.id !== exceptId);
  }

  async insert(record: ProductRecord) {
    if (this.skuTaken(record.sku)) return "sku_taken" as const;
    this.rows.set(record.id, { ...record });
    return record;
  }

  async update(
    id: string,
    values: Partial<ProductValues>,
    updatedAt: string,
    expectedVersion?: number,
  ) {
    this.beforeUpdate?.();
    const row = await this.findById(id);
    if (!row || (expectedVersion !== undefined && row.version !== expectedVersion)) return null;
    if (values.sku !== undefined && this.skuTaken(values.sku, id)) return "sku_taken" as const;
    const updated = { ...row, ...values, updatedAt, version: row.version + 1 };
    this.rows.set(id, updated);
    return updated;
  }

  async delete(id: string) {
    if (!this.rows.has(id)) return "missing" as const;
    if (this.referenced.has(id)) return "referenced" as const;
    this.rows.delete(id);
    return "deleted" as const;
  }

  async archive(id: string, archivedAt: string) {
    const row = await this.findById(id);
    if (!row) return false;
    this.rows.set(id, { ...row, archivedAt, updatedAt: archivedAt, version: row.version + 1 });
    return true;
  }

  async findCatalogByIds(ids: string[]) {
    return ids.flatMap((id) => {
      const row = this.rows.get(id);
      return row && row.archivedAt === null ? [row] : [];
    });
  }

  reserveStock(id: string, quantity: number, at: string, price: QuotedPrice) {
    return fakeStatement(() => {
      const row = this.rows.get(id);
      if (!row) return changed(0);
      const sellable =
        row.archivedAt === null &&
        row.priceCents === price.priceCents &&
        row.currency === price.currency;
      const stock = sellable ? row.stock - quantity : -1;
      if (stock < 0) throw new FakeStockRefusal(`CHECK failed for ${id}`);
      this.rows.set(id, { ...row, stock, updatedAt: at, version: row.version + 1 });
      return changed(1);
    });
  }

  restock(id: string, quantity: number, at: string) {
    return fakeStatement(() => {
      const row = this.rows.get(id);
      if (!row) return changed(0);
      this.rows.set(id, {
        ...row,
        stock: row.stock + quantity,
        updatedAt: at,
        version: row.version + 1,
      });
      return changed(1);
    });
  }

  isStockRefusal(error: unknown): boolean {
    return error instanceof FakeStockRefusal;
  }

  snapshot() {
    return mapSnapshot(this.rows);
  }
}
