import { z } from "@hono/zod-openapi";
import { edgeCached, xCacheHeader } from "../../http/edge-cache";
import { defineRoute, jsonContent, LIST_ERRORS, nextLinkHeader } from "../../http/openapi";
import { PreconditionFailedError } from "../../lib/errors";
import { ProductNotFoundError, SkuTakenError } from "./products.errors";
import { PRODUCTS_PATHS } from "./products.paths";
import {
  ProductCreateSchema,
  ProductFilterQuery,
  ProductIdParams,
  ProductListQuery,
  ProductPageSchema,
  ProductPatchSchema,
  ProductReplaceSchema,
  ProductSchema,
} from "./products.schemas";
import { PRODUCT_SORTS } from "./products.values";

const TAGS = ["Products"];
const COLLECTION = PRODUCTS_PATHS.listProducts.path;
export const COLLECTION_METHODS = ["GET", "HEAD", "POST", "OPTIONS"];

const etagHeader = z.object({
  ETag: z.string().openapi({ example: '"v3"', description: "Current version of the product" }),
});

/** What the edge cache did, on the two catalog reads it serves. */
const cachedHeaders = z.object({ "X-Cache": xCacheHeader });

const CACHE_NOTE =
  " Anonymous requests may be answered from the edge cache (`X-Cache: HIT`, no database round trip) for up to `CATALOG_CACHE_TTL_SECONDS` (`Cache-Control: public, max-age=0, s-maxage=<ttl>`); requests with `Authorization` or `X-D1-Bookmark` bypass it (`X-Cache: BYPASS`).";

// Header keys are the documented names: Hono's validator matches them case-insensitively,
// and a `param.name` that differs from its key makes the OpenAPI generator throw.
const ifMatchHeaders = z.object({
  "If-Match": z
    .string()
    .max(1024)
    .optional()
    .openapi({
      param: {
        description:
          "ETag from a previous read; the write happens only if it is still current (else 412)",
      },
      example: '"v3"',
    }),
});

export const listProducts = defineRoute({
  ...PRODUCTS_PATHS.listProducts,
  tags: TAGS,
  operationId: "listProducts",
  summary: "List products",
  description:
    `The catalog, cursor-paginated. Filters: \`q\` (name or SKU contains), \`min_price_cents\`, \`max_price_cents\`, \`in_stock\`. \`sort\` is one of ${PRODUCT_SORTS.map((sort) => `\`${sort}\``).join(", ")} (anything else is 422). A \`Link: rel="next"\` header accompanies \`next_cursor\`.` +
    CACHE_NOTE,
  request: { query: ProductListQuery },
  errors: LIST_ERRORS,
  middleware: edgeCached({ keyQuery: true }),
  responses: {
    200: {
      description: "A page of products",
      headers: nextLinkHeader(COLLECTION).extend(cachedHeaders.shape),
      content: jsonContent(ProductPageSchema),
    },
  },
});

/** Documented separately: Hono answers HEAD with the GET handler, which branches on it. */
export const headProducts = defineRoute({
  method: "head",
  path: COLLECTION,
  tags: TAGS,
  operationId: "countProducts",
  summary: "Count products",
  description:
    "No body. `X-Total-Count` is the number of catalog products matching the same filters as GET; `Last-Modified` is the latest change among them.",
  request: { query: ProductFilterQuery },
  responses: {
    200: {
      description: "Headers only",
      headers: z.object({
        "X-Total-Count": z.string().openapi({ example: "42" }),
        "Last-Modified": z
          .string()
          .optional()
          .openapi({ example: "Sat, 21 Nov 2026 10:00:00 GMT" }),
      }),
    },
  },
});

export const productsOptions = defineRoute({
  ...PRODUCTS_PATHS.productsOptions,
  tags: TAGS,
  operationId: "productsOptions",
  summary: "Methods on the product collection",
  description:
    "A plain `OPTIONS` (no `Access-Control-Request-Method`) gets 204 with `Allow`. A CORS preflight is answered before routing, for the origins in `CORS_ORIGINS`.",
  responses: {
    204: {
      description: "No body; `Allow` lists the methods",
      headers: z.object({ Allow: z.string().openapi({ example: COLLECTION_METHODS.join(", ") }) }),
    },
  },
});

export const createProduct = defineRoute({
  ...PRODUCTS_PATHS.createProduct,
  tags: TAGS,
  operationId: "createProduct",
  summary: "Create a product",
  description:
    "`sku` is unique (409 `sku_taken`); `currency` defaults to USD and `description` to empty. Answers with `Location` and the new product's `ETag`.",
  auth: "admin",
  request: { body: { content: jsonContent(ProductCreateSchema) } },
  errors: [SkuTakenError],
  responses: {
    201: {
      description: "Created; `Location` is its URL",
      headers: z.object({
        Location: z
          .string()
          .openapi({ example: "/api/v1/products/0190b5c2-7a1e-7cc3-9f4a-5d2b6c1e8a90" }),
        ETag: z.string().openapi({ example: '"v1"' }),
      }),
      content: jsonContent(ProductSchema),
    },
  },
});

export const getProduct = defineRoute({
  ...PRODUCTS_PATHS.getProduct,
  tags: TAGS,
  operationId: "getProduct",
  summary: "Get a product",
  description: `With \`ETag\`; a matching \`If-None-Match\` gets 304 with no body (from the edge cache too).${CACHE_NOTE} A write to the product drops its cached copy in the data center that took the write.`,
  middleware: edgeCached({ keyQuery: false }),
  request: {
    params: ProductIdParams,
    headers: z.object({
      "If-None-Match": z
        .string()
        .max(1024)
        .optional()
        .openapi({
          param: { description: "ETag you already have" },
          example: '"v3"',
        }),
    }),
  },
  errors: [ProductNotFoundError],
  responses: {
    200: {
      description: "The product",
      headers: etagHeader.extend(cachedHeaders.shape),
      content: jsonContent(ProductSchema),
    },
    304: {
      description: "Not modified: your copy is current",
      headers: etagHeader.extend(cachedHeaders.shape),
    },
  },
});

/** What PUT and PATCH share: the id, If-Match, their errors and the answer with its ETag. */
function productWrite<Body extends z.ZodType>(body: Body, answer: string) {
  return {
    auth: "admin" as const,
    request: {
      params: ProductIdParams,
      headers: ifMatchHeaders,
      body: { content: jsonContent(body) },
    },
    errors: [ProductNotFoundError, SkuTakenError, PreconditionFailedError],
    responses: {
      200: { description: answer, headers: etagHeader, content: jsonContent(ProductSchema) },
    },
  };
}

export const replaceProduct = defineRoute({
  ...PRODUCTS_PATHS.replaceProduct,
  tags: TAGS,
  operationId: "replaceProduct",
  summary: "Replace a product",
  description:
    "Every field; omitted optional fields take their defaults. Send `If-Match` to avoid lost updates.",
  ...productWrite(ProductReplaceSchema, "Replaced"),
});

export const patchProduct = defineRoute({
  ...PRODUCTS_PATHS.patchProduct,
  tags: TAGS,
  operationId: "updateProduct",
  summary: "Update some fields of a product",
  description:
    "Changes only the fields sent (at least one). Send `If-Match` to avoid lost updates (412 when it is no longer current).",
  ...productWrite(ProductPatchSchema, "Updated"),
});

export const deleteProduct = defineRoute({
  ...PRODUCTS_PATHS.deleteProduct,
  tags: TAGS,
  operationId: "deleteProduct",
  summary: "Delete a product",
  description:
    "A product that appears on any order is archived instead (kept for order history, gone from the catalog).",
  auth: "admin",
  request: { params: ProductIdParams },
  errors: [ProductNotFoundError],
  responses: { 204: { description: "Deleted or archived" } },
});
