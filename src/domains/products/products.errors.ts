import { ConflictError, NotFoundError } from "../../lib/errors";

export class ProductNotFoundError extends NotFoundError {
  constructor(productId: string) {
    super("product_not_found", `No product with id ${productId}`);
  }
}

export class SkuTakenError extends ConflictError {
  constructor(sku: string) {
    super("sku_taken", "SKU taken", `Another product already has the SKU '${sku}'`);
  }
}
