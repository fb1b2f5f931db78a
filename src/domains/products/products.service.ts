import type { Statement } from "../../db/unit-of-work";
import { type Clock, isoNow } from "../../lib/clock";
import { type CursorPosition, decodeCursor, type Page, toPage } from "../../lib/cursor";
import { PreconditionFailedError } from "../../lib/errors";
import { newId } from "../../lib/ids";
import { ProductNotFoundError, SkuTakenError } from "./products.errors";
import type {
  CatalogSummary,
  ProductListFilters,
  ProductOrder,
  ProductRecord,
  ProductsRepository,
  ProductValues,
} from "./products.repository";
import type { ProductSort } from "./products.values";

/** A catalog product as other domains see it (they never import the repository). */
export type { ProductRecord } from "./products.repository";

/** What If-Match allows: any current version ("*"), or one of the listed versions. */
export type VersionPrecondition = number[] | "*" | undefined;

export type ListProductsQuery = ProductListFilters & {
  sort: ProductSort;
  limit: number;
  cursor?: string | undefined;
};

function orderFor(sort: ProductSort): ProductOrder {
  const direction = sort.startsWith("-") ? "desc" : "asc";
  const key = sort.replace(/^-/, "");
  const column = key === "price_cents" ? "priceCents" : key === "name" ? "name" : "createdAt";
  return { column, direction };
}

export class ProductsService {
  constructor(
    private readonly products: ProductsRepository,
    private readonly clock: Clock,
  ) {}

  async list(query: ListProductsQuery): Promise<Page<ProductRecord>> {
    const order = orderFor(query.sort);
    const cursor = decodeCursor(
      query.cursor,
      query.sort,
      order.column === "priceCents" ? "number" : "string",
    );
    const rows = await this.products.list(query, order, { limit: query.limit, cursor });
    const positionOf = (row: ProductRecord): CursorPosition => ({
      value: row[order.column],
      id: row.id,
    });
    return toPage(rows, query.limit, query.sort, positionOf);
  }

  summary(filters: ProductListFilters): Promise<CatalogSummary> {
    return this.products.summary(filters);
  }

  async get(id: string): Promise<ProductRecord> {
    const product = await this.products.findById(id);
    if (!product) throw new ProductNotFoundError(id);
    return product;
  }

  async create(values: ProductValues): Promise<ProductRecord> {
    const now = isoNow(this.clock);
    const result = await this.products.insert({
      id: newId(),
      ...values,
      version: 1,
      archivedAt: null,
      createdAt: now,
      updatedAt: now,
    });
    if (result === "sku_taken") throw new SkuTakenError(values.sku);
    return result;
  }

  /** PUT and PATCH alike: a full replacement is an update of every field. */
  async update(
    id: string,
    values: Partial<ProductValues>,
    precondition: VersionPrecondition,
  ): Promise<ProductRecord> {
    const current = await this.get(id);
    if (Array.isArray(precondition) && !precondition.includes(current.version)) {
      throw new PreconditionFailedError();
    }
    // With If-Match naming versions, the write is conditional on the version just checked,
    // so a concurrent writer between the read and the write also gets 412 instead of a lost
    // update. `*` asks only that the product exists, whatever its version.
    const expectedVersion = Array.isArray(precondition) ? current.version : undefined;
    const result = await this.products.update(id, values, isoNow(this.clock), expectedVersion);
    if (result === "sku_taken") throw new SkuTakenError(values.sku ?? current.sku);
    if (result === null) {
      if (expectedVersion !== undefined) throw new PreconditionFailedError();
      throw new ProductNotFoundError(id);
    }
    return result;
  }

  /** Hard-deletes a product no order references; archives one that is (order history keeps it). */
  async delete(id: string): Promise<"deleted" | "archived"> {
    await this.get(id);
    const outcome = await this.products.delete(id);
    if (outcome === "deleted") return "deleted";
    if (outcome === "referenced" && (await this.products.archive(id, isoNow(this.clock)))) {
      return "archived";
    }
    throw new ProductNotFoundError(id);
  }

  /** Catalog products with these ids, in one query; archived and unknown ones are absent. */
  findForOrder(ids: string[]): Promise<ProductRecord[]> {
    return this.products.findCatalogByIds(ids);
  }

  /**
   * For an order's batch: takes `quantity` from the stock of `product` as it was read. When
   * the stock cannot cover it, or the product was archived or repriced since that read, the
   * database aborts the whole batch, which `isStockRefusal` recognises.
   */
  reserveStock(product: ProductRecord, quantity: number, at: string): Statement {
    return this.products.reserveStock(product.id, quantity, at, product);
  }

  /** For a cancellation's batch: gives `quantity` back to the stock. */
  restock(id: string, quantity: number, at: string): Statement {
    return this.products.restock(id, quantity, at);
  }

  isStockRefusal(error: unknown): boolean {
    return this.products.isStockRefusal(error);
  }
}
