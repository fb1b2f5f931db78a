import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../http/app-env";
import { purgeCached } from "../../http/edge-cache";
import { etagFor, httpDate, matchesIfNoneMatch, versionsFromIfMatch } from "../../http/http-cache";
import { API_PREFIX } from "../../http/openapi";
import { pageBody } from "../../http/page";
import {
  toProductFilters,
  toProductPatch,
  toProductResponse,
  toProductValues,
} from "./products.mappers";
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
import type { ProductFilters } from "./products.schemas";

/** The product's URL path: its Location, and its key in the edge cache. */
function productPath(id: string): string {
  return `${API_PREFIX}/products/${id}`;
}

function ifMatch(header: string | undefined) {
  return header === undefined ? undefined : versionsFromIfMatch(header);
}

/** HEAD on the collection: the count and freshness of the filtered catalog, no body. */
async function catalogHeadResponse(c: Context<AppEnv>, filters: ProductFilters) {
  const summary = await c.var.services.products.summary(toProductFilters(filters));
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
    const page = await c.var.services.products.list({ ...toProductFilters(query), ...query });
    return c.json(pageBody(c, page, toProductResponse), 200);
  })
  .openapi(productsOptions, (c) => {
    c.header("Allow", COLLECTION_METHODS.join(", "));
    return c.body(null, 204);
  })
  .openapi(createProduct, async (c) => {
    const product = await c.var.services.products.create(toProductValues(c.req.valid("json")));
    c.header("Location", productPath(product.id));
    c.header("ETag", etagFor(product.version));
    return c.json(toProductResponse(product), 201);
  })
  .openapi(getProduct, async (c) => {
    const { product_id } = c.req.valid("param");
    const product = await c.var.services.products.get(product_id);
    const etag = etagFor(product.version);
    c.header("ETag", etag);
    c.header("Cache-Control", "no-cache");
    if (matchesIfNoneMatch(c.req.valid("header")["If-None-Match"], etag)) return c.body(null, 304);
    return c.json(toProductResponse(product), 200);
  })
  .openapi(replaceProduct, async (c) => {
    const { product_id } = c.req.valid("param");
    const precondition = ifMatch(c.req.valid("header")["If-Match"]);
    const values = toProductValues(c.req.valid("json"));
    const product = await c.var.services.products.update(product_id, values, precondition);
    await purgeCached(c, productPath(product.id));
    c.header("ETag", etagFor(product.version));
    return c.json(toProductResponse(product), 200);
  })
  .openapi(patchProduct, async (c) => {
    const { product_id } = c.req.valid("param");
    const precondition = ifMatch(c.req.valid("header")["If-Match"]);
    const values = toProductPatch(c.req.valid("json"));
    const product = await c.var.services.products.update(product_id, values, precondition);
    await purgeCached(c, productPath(product.id));
    c.header("ETag", etagFor(product.version));
    return c.json(toProductResponse(product), 200);
  })
  .openapi(deleteProduct, async (c) => {
    const { product_id } = c.req.valid("param");
    await c.var.services.products.delete(product_id);
    await purgeCached(c, productPath(product_id));
    return c.body(null, 204);
  });
