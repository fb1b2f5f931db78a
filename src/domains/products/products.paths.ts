import type { OperationPaths } from "../../http/lazy-routes";

/**
 * The operations products.routes.ts serves, in its order: the one place their method and path are
 * written (products.openapi.ts spreads them). The app routes these at startup and imports the
 * router, with its schemas, on the first request for one of them (src/routers.ts).
 */
export const PRODUCTS_PATHS = {
  listProducts: { method: "get", path: "/products" },
  productsOptions: { method: "options", path: "/products" },
  createProduct: { method: "post", path: "/products" },
  getProduct: { method: "get", path: "/products/{product_id}" },
  replaceProduct: { method: "put", path: "/products/{product_id}" },
  patchProduct: { method: "patch", path: "/products/{product_id}" },
  deleteProduct: { method: "delete", path: "/products/{product_id}" },
} as const satisfies OperationPaths;
