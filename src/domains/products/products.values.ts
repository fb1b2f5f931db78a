/** The catalog's orders: a field, ascending, or with a leading "-" descending. */
export const PRODUCT_SORTS = [
  "created_at",
  "-created_at",
  "price_cents",
  "-price_cents",
  "name",
  "-name",
] as const;
export type ProductSort = (typeof PRODUCT_SORTS)[number];
