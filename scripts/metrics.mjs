// npm run metrics -- [--since 1h] [--env production|staging] [--dataset NAME]
//
// Per-route p50/p95/p99 latency and error rates from the Workers Analytics Engine dataset
// the Worker writes one data point per request to (METRICS in wrangler.toml), through the
// account's SQL API. Needs CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_API_TOKEN (a token with
// Account > Account Analytics > Read). Prints a table; the SQL is in scripts/lib/metrics-report.ts.
import { parseArgs } from "node:util";

const { values } = parseArgs({
  options: {
    since: { type: "string", default: "1h" },
    env: { type: "string", default: "production" },
    dataset: { type: "string" },
  },
});

if (!process.features.typescript) {
  console.error("This script imports TypeScript: use Node >= 22.18, or --experimental-strip-types");
  process.exit(1);
}
/** @type {typeof import("./lib/metrics-report.ts")} */
const report = await import("./lib/metrics-report.ts");

const accountId = process.env.CLOUDFLARE_ACCOUNT_ID;
const apiToken = process.env.CLOUDFLARE_API_TOKEN;
if (!accountId || !apiToken) {
  console.error("Set CLOUDFLARE_ACCOUNT_ID and CLOUDFLARE_API_TOKEN (Account Analytics: Read).");
  process.exit(1);
}
const env = /** @type {keyof typeof report.DATASETS} */ (values.env);
const dataset = values.dataset ?? report.DATASETS[env];
if (!dataset) {
  console.error(`--env is production or staging (or give --dataset); got "${values.env}"`);
  process.exit(1);
}

try {
  const rows = await report.fetchRouteReport({ accountId, apiToken, dataset, since: values.since });
  console.log(`${dataset}, last ${values.since}:\n`);
  console.log(report.formatTable(rows));
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
