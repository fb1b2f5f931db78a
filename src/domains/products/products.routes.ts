import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../http/app-env";
import { purgeCached } from "../../http/edge-cache";
import { etagFor, httpDate, matchesIfNoneMatch, versionsFromIfMatch } from "../../http/http-cache";
import { API_PREFIX } from "../../http/openapi";
import { pageBody } from "../../lib/pagination";
import {
  COLLECTION_METHODS,
  createProduct,
  deleteProduct,
  getProduct,
  headProducts,
  listProducts,
  patchProduct,
  productsOptions,
  replaceProduct,
} from "./products.openapi";
import type { ProductRecord } from "./products.repository";
import type { Product, ProductFilters } from "./products.schemas";

function toProduct(record: ProductRecord): Product {
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

function toFilters(query: ProductFilters) {
  return {
    q: query.q,
    minPriceCents: query.min_price_cents,
    maxPriceCents: query.max_price_cents,
    inStock: query.in_stock,
  };
}

function toValues(body: {
  sku: string;
  name: string;
  description: string;
  price_cents: number;
  currency: string;
  stock: number;
}) {
  return {
    sku: body.sku,
    name: body.name,
    description: body.description,
    priceCents: body.price_cents,
    currency: body.currency,
    stock: body.stock,
  };
}

function toPartialValues(body: Partial<Parameters<typeof toValues>[0]>) {
  const values: Partial<ReturnType<typeof toValues>> = {};
  if (body.sku !== undefined) values.sku = body.sku;
  if (body.name !== undefined) values.name = body.name;
  if (body.description !== undefined) values.description = body.description;
  if (body.price_cents !== undefined) values.priceCents = body.price_cents;
  if (body.currency !== undefined) values.currency = body.currency;
  if (body.stock !== undefined) values.stock = body.stock;
  return values;
}

/** The product's URL path: its Location, and its key in the edge cache. */
function productPath(id: string): string {
  return `${API_PREFIX}/products/${id}`;
}

function ifMatch(header: string | undefined) {
  return header === undefined ? undefined : versionsFromIfMatch(header);
}

/** HEAD on the collection: the count and freshness of the filtered catalog, no body. */
async function catalogHeadResponse(c: Context<AppEnv>, filters: ProductFilters) {
  const summary = await c.var.services.products.summary(toFilters(filters));
  c.header("X-Total-Count", String(summary.count));
  if (summary.lastModified) c.header("Last-Modified", httpDate(summary.lastModified));
  return c.body(null, 200);
}

export const productsRoutes = new OpenAPIHono<AppEnv>();

// Hono serves HEAD with the GET handler (which branches on it), so HEAD is only documented.
productsRoutes.openAPIRegistry.registerPath(headProducts);

productsRoutes
  .openapi(listProducts, async (c) => {
    const query = c.req.valid("query");
    // Hono serves HEAD through the GET handler; the collection's HEAD has its own meaning
    // (count + freshness, documented as its own operation), so its untyped response is cast.
    if (c.req.method === "HEAD") return (await catalogHeadResponse(c, query)) as never;
    const page = await c.var.services.products.list({ ...toFilters(query), ...query });
    return c.json(pageBody(c, page, toProduct), 200);
  })
  .openapi(productsOptions, (c) => {
    c.header("Allow", COLLECTION_METHODS.join(", "));
    return c.body(null, 204);
  })
  .openapi(createProduct, async (c) => {
    const product = await c.var.services.products.create(toValues(c.req.valid("json")));
    c.header("Location", productPath(product.id));
    c.header("ETag", etagFor(product.version));
    return c.json(toProduct(product), 201);
  })
  .openapi(getProduct, async (c) => {
    const { product_id } = c.req.valid("param");
    const product = await c.var.services.products.get(product_id);
    const etag = etagFor(product.version);
    c.header("ETag", etag);
    c.header("Cache-Control", "no-cache");
    if (matchesIfNoneMatch(c.req.valid("header")["If-None-Match"], etag)) return c.body(null, 304);
    return c.json(toProduct(product), 200);
  })
  .openapi(replaceProduct, async (c) => {
    const { product_id } = c.req.valid("param");
    const precondition = ifMatch(c.req.valid("header")["If-Match"]);
    const values = toValues(c.req.valid("json"));
    const product = await c.var.services.products.update(product_id, values, precondition);
    await purgeCached(c, productPath(product.id));
    c.header("ETag", etagFor(product.version));
    return c.json(toProduct(product), 200);
  })
  .openapi(patchProduct, async (c) => {
    const { product_id } = c.req.valid("param");
    const precondition = ifMatch(c.req.valid("header")["If-Match"]);
    const values = toPartialValues(c.req.valid("json"));
    const product = await c.var.services.products.update(product_id, values, precondition);
    await purgeCached(c, productPath(product.id));
    c.header("ETag", etagFor(product.version));
    return c.json(toProduct(product), 200);
  })
  .openapi(deleteProduct, async (c) => {
    const { product_id } = c.req.valid("param");
    await c.var.services.products.delete(product_id);
    await purgeCached(c, productPath(product_id));
    return c.body(null, 204);
  });
