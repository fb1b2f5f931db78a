import { ConflictError, NotFoundError } from "../../lib/errors";

export class ProductNotFoundError extends NotFoundError {
  static override readonly code = "product_not_found";
  constructor(productId: string) {
    super(`No product with id ${productId}`);
  }
}

export class SkuTakenError extends ConflictError {
  static override readonly code = "sku_taken";
  static override readonly title = "SKU taken";
  constructor(sku: string) {
    super(`Another product already has the SKU '${sku}'`);
  }
}
