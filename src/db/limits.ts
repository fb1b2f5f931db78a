/** D1 binds at most 100 values per statement ("too many SQL variables" past that). */
export const MAX_BOUND_PARAMETERS = 100;

/** Splits `items` into runs of at most `size`, for statements that bind one value per item. */
export function chunked<T>(items: readonly T[], size: number): T[][] {
  const runs: T[][] = [];
  for (let start = 0; start < items.length; start += size)
    runs.push(items.slice(start, start + size));
  return runs;
}
