/**
 * Integer minor units as a human amount, for emails and logs only (never for arithmetic):
 * `formatMoney(123456, "USD")` is "$1,234.56"; the currency decides its number of decimals.
 */
export function formatMoney(minorUnits: number, currency: string): string {
  const format = new Intl.NumberFormat("en-US", { style: "currency", currency });
  const decimals = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minorUnits / 10 ** decimals);
}
