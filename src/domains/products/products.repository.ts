import {
  and,
  asc,
  count,
  desc,
  eq,
  gt,
  gte,
  inArray,
  isNull,
  lte,
  max,
  type SQL,
  sql,
} from "drizzle-orm";
import type { Database } from "../../db/client";
import {
  CompiledShapes,
  compile,
  listPlaceholders,
  listValues,
  type Placeholders,
  tableRows,
} from "../../db/compiled";
import { isConstraintError } from "../../db/constraint-errors";
import { type Direction, seekFrom } from "../../db/keyset";
import { containsText } from "../../db/text-search";
import { asStatement, type Statement } from "../../db/unit-of-work";
import type { PageRequest } from "../../lib/cursor";
import { PRODUCTS_STOCK_CHECK, type ProductRow, products } from "./products.table";

export type ProductRecord = ProductRow;

export type ProductValues = Pick<
  ProductRecord,
  "sku" | "name" | "description" | "priceCents" | "currency" | "stock"
>;

export type ProductListFilters = {
  q?: string | undefined;
  minPriceCents?: number | undefined;
  maxPriceCents?: number | undefined;
  inStock?: boolean | undefined;
};

/** The price an order line was computed from; the sale commits only while it still holds. */
export type QuotedPrice = Pick<ProductRecord, "priceCents" | "currency">;

export type ProductSortColumn = "createdAt" | "priceCents" | "name";
export type ProductOrder = { column: ProductSortColumn; direction: Direction };

export type CatalogSummary = { count: number; lastModified: string | null };

export interface ProductsRepository {
  /** Up to `page.limit + 1` catalog rows from the cursor on, in `order` then id. */
  list(
    filters: ProductListFilters,
    order: ProductOrder,
    page: PageRequest,
  ): Promise<ProductRecord[]>;
  summary(filters: ProductListFilters): Promise<CatalogSummary>;
  /** A catalog product: archived ones are not found. */
  findById(id: string): Promise<ProductRecord | null>;
  insert(record: ProductRecord): Promise<ProductRecord | "sku_taken">;
  /** Writes `values` and bumps the version; only if the version is still `expectedVersion` when given. */
  update(
    id: string,
    values: Partial<ProductValues>,
    updatedAt: string,
    expectedVersion?: number,
  ): Promise<ProductRecord | "sku_taken" | null>;
  /** Hard delete, refused by the database when an order line references the product. */
  delete(id: string): Promise<"deleted" | "referenced" | "missing">;
  archive(id: string, archivedAt: string): Promise<boolean>;
  /** Catalog rows with these ids, in one query; archived and unknown ids are absent. */
  findCatalogByIds(ids: string[]): Promise<ProductRecord[]>;
  /**
   * Takes `quantity` from the stock, for the caller's batch. The database refuses a
   * negative stock (CHECK), which aborts the whole batch: an oversell never commits. An
   * archived product cannot be sold either, nor one whose price is no longer `price` (the
   * order was priced from an older read): its stock is set to an impossible value, so the
   * same CHECK aborts the batch.
   */
  reserveStock(id: string, quantity: number, at: string, price: QuotedPrice): Statement;
  /** Gives `quantity` back to the stock (archived or not), for the caller's batch. */
  restock(id: string, quantity: number, at: string): Statement;
  /** Whether a failed batch was aborted by a `reserveStock` the stock could not cover. */
  isStockRefusal(error: unknown): boolean;
}

/** What a catalog query's SQL text depends on: which filters are set (their values are bound). */
type CatalogShape = {
  q: boolean;
  minPrice: boolean;
  maxPrice: boolean;
  inStock: boolean | undefined;
};
type CatalogValues = { q?: string; minPriceCents?: number; maxPriceCents?: number };
type ListShape = CatalogShape & { order: ProductOrder; cursor: boolean };
type ListValues = CatalogValues & { after?: string | number; afterId?: string; limit: number };

function catalogShape(filters: ProductListFilters): CatalogShape {
  return {
    q: filters.q !== undefined,
    minPrice: filters.minPriceCents !== undefined,
    maxPrice: filters.maxPriceCents !== undefined,
    inStock: filters.inStock,
  };
}

function catalogKey(shape: CatalogShape): string {
  return `${+shape.q}${+shape.minPrice}${+shape.maxPrice}${shape.inStock}`;
}

function filterConditions(shape: CatalogShape, p: Placeholders<CatalogValues>): SQL[] {
  const conditions: SQL[] = [isNull(products.archivedAt)];
  if (shape.q) conditions.push(containsText(p.q, products.name, products.sku));
  if (shape.minPrice) conditions.push(gte(products.priceCents, p.minPriceCents));
  if (shape.maxPrice) conditions.push(lte(products.priceCents, p.maxPriceCents));
  if (shape.inStock === true) conditions.push(gt(products.stock, 0));
  if (shape.inStock === false) conditions.push(eq(products.stock, 0));
  return conditions;
}

const productRow = tableRows(products);

/** A catalog product by id (the hottest read): compiled once per isolate. */
const BY_ID = compile<{ id: string }>((db, p) =>
  db
    .select()
    .from(products)
    .where(and(eq(products.id, p.id), isNull(products.archivedAt)))
    .limit(1),
);

/** A page of the catalog, per filter set, order and cursor (a few hundred shapes at most). */
const LIST = new CompiledShapes<ListShape, ListValues>(
  ({ order, cursor, ...filters }) =>
    `${catalogKey(filters)} ${order.column} ${order.direction} ${+cursor}`,
  (shape, db, p) => {
    const column = products[shape.order.column];
    const conditions = filterConditions(shape, p);
    if (shape.cursor) {
      const position = { value: p.after, id: p.afterId };
      conditions.push(seekFrom(column, products.id, shape.order.direction, position));
    }
    const direction = shape.order.direction === "asc" ? asc : desc;
    return db
      .select()
      .from(products)
      .where(and(...conditions))
      .orderBy(direction(column), direction(products.id))
      .limit(p.limit);
  },
);

/** The count and freshness of the filtered catalog (HEAD), per filter set. */
const SUMMARY = new CompiledShapes<CatalogShape, CatalogValues>(catalogKey, (shape, db, p) =>
  db
    .select({ count: count(), lastModified: max(products.updatedAt) })
    .from(products)
    .where(and(...filterConditions(shape, p))),
);

/** An order's catalog read, per number of ids (1 to MAX_ORDER_LINES shapes). */
const BY_IDS = new CompiledShapes<number, Record<string, string>>(String, (count, db, p) =>
  db
    .select()
    .from(products)
    .where(
      and(inArray(products.id, listPlaceholders(p, "id", count)), isNull(products.archivedAt)),
    ),
);

/** One line of an order's batch (see `reserveStock`), compiled once per isolate. */
const RESERVE_STOCK = compile<{
  id: string;
  quantity: number;
  at: string;
  priceCents: number;
  currency: string;
}>((db, p) => {
  const sellable = sql`${products.archivedAt} IS NULL AND ${products.priceCents} = ${p.priceCents} AND ${products.currency} = ${p.currency}`;
  return db
    .update(products)
    .set({
      stock: sql`CASE WHEN ${sellable} THEN ${products.stock} - ${p.quantity} ELSE -1 END`,
      version: sql`${products.version} + 1`,
      // `set` takes a placeholder only inside SQL.
      updatedAt: sql`${p.at}`,
    })
    .where(eq(products.id, p.id));
});

export class D1ProductsRepository implements ProductsRepository {
  constructor(private readonly db: Database) {}

  async list(filters: ProductListFilters, order: ProductOrder, page: PageRequest) {
    const shape = { ...catalogShape(filters), order, cursor: page.cursor !== undefined };
    const rows = await LIST.get(shape)
      .bind(this.db.$client, {
        ...filters,
        after: page.cursor?.value,
        afterId: page.cursor?.id,
        limit: page.limit + 1,
      })
      .raw();
    return rows.map(productRow);
  }

  async summary(filters: ProductListFilters): Promise<CatalogSummary> {
    const [row] = await SUMMARY.get(catalogShape(filters)).bind(this.db.$client, filters).raw();
    // Drizzle's count() reads SQLite's integer as a number; max() of a text column is text.
    const [total, lastModified] = (row ?? []) as [number | undefined, string | null | undefined];
    return { count: Number(total ?? 0), lastModified: lastModified ?? null };
  }

  async findById(id: string) {
    const [row] = await BY_ID.bind(this.db.$client, { id }).raw();
    return row ? productRow(row) : null;
  }

  async insert(record: ProductRecord) {
    try {
      await this.db.insert(products).values(record);
      return record;
    } catch (error) {
      if (isConstraintError(error, "unique")) return "sku_taken" as const;
      throw error;
    }
  }

  async update(
    id: string,
    values: Partial<ProductValues>,
    updatedAt: string,
    expectedVersion?: number,
  ) {
    const conditions = [eq(products.id, id), isNull(products.archivedAt)];
    if (expectedVersion !== undefined) conditions.push(eq(products.version, expectedVersion));
    try {
      const [row] = await this.db
        .update(products)
        .set({ ...values, updatedAt, version: sql`${products.version} + 1` })
        .where(and(...conditions))
        .returning();
      return row ?? null;
    } catch (error) {
      if (isConstraintError(error, "unique")) return "sku_taken" as const;
      throw error;
    }
  }

  async delete(id: string) {
    try {
      const result = await this.db.delete(products).where(eq(products.id, id));
      return result.meta.changes > 0 ? ("deleted" as const) : ("missing" as const);
    } catch (error) {
      if (isConstraintError(error, "foreign_key")) return "referenced" as const;
      throw error;
    }
  }

  async archive(id: string, archivedAt: string) {
    const result = await this.db
      .update(products)
      .set({ archivedAt, updatedAt: archivedAt, version: sql`${products.version} + 1` })
      .where(and(eq(products.id, id), isNull(products.archivedAt)));
    return result.meta.changes > 0;
  }

  async findCatalogByIds(ids: string[]) {
    if (ids.length === 0) return [];
    const values = listValues("id", ids);
    const rows = await BY_IDS.get(ids.length).bind(this.db.$client, values).raw();
    return rows.map(productRow);
  }

  reserveStock(id: string, quantity: number, at: string, price: QuotedPrice): Statement {
    const values = { id, quantity, at, priceCents: price.priceCents, currency: price.currency };
    return asStatement(RESERVE_STOCK.bind(this.db.$client, values));
  }

  isStockRefusal(error: unknown): boolean {
    return isConstraintError(error, "check", PRODUCTS_STOCK_CHECK);
  }

  restock(id: string, quantity: number, at: string): Statement {
    return asStatement(
      this.db
        .update(products)
        .set({
          stock: sql`${products.stock} + ${quantity}`,
          version: sql`${products.version} + 1`,
          updatedAt: at,
        })
        .where(eq(products.id, id)),
    );
  }
}
