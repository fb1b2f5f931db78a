// Serves the production bundle and the ceiling Worker side by side for `npm run bench`:
// one workerd (Miniflare's Node API), each Worker on its own direct socket on 127.0.0.1,
// both with the bindings wrangler.toml gives the app (D1, queue producer, assets, rate
// limiters, vars), each with its own in-memory D1 migrated with migrations/*.sql and seeded
// the same way. Rate limits are lifted for the run; the catalog's edge cache is off.
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { convertV4MiniflareOptions, Miniflare } from "miniflare";
import { v7 as uuidv7 } from "uuid";
import {
  unstable_getMiniflareWorkerOptions,
  unstable_readConfig,
  unstable_splitSqlQuery,
} from "wrangler";
import { insertSql } from "../scripts/lib/local-d1.mjs";
import { hashPassword } from "../src/domains/auth/passwords.ts";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const benchDir = path.join(root, "bench");
const wranglerBin = path.join(root, "node_modules", "wrangler", "bin", "wrangler.js");

export const HOST = "127.0.0.1";
export const PRODUCT_COUNT = 1000;
/** Enough that no run can sell a product out (each order takes 1 of two products). */
const STOCK = 1_000_000_000;
const LIFTED_LIMIT = 1_000_000_000;
export const BENCH_ADMIN = { email: "bench-admin@example.com", password: "bench-password-123" };
const BENCH_CUSTOMERS = 10;

/**
 * Runs wrangler (stdin closed, no telemetry) and returns its stdout.
 * @param {string[]} args
 */
export function wrangler(args) {
  const result = spawnSync(process.execPath, [wranglerBin, ...args], {
    cwd: root,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", FORCE_COLOR: "0" },
  });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`wrangler ${args.join(" ")} failed:\n${result.stdout}\n${result.stderr}`);
  }
  return `${result.stdout}\n${result.stderr}`;
}

/**
 * The deployable bundle, as `wrangler deploy` would upload it, in `outdir`: the modules
 * (index.js) and the upload itself (worker.bundle, which `wrangler check startup` reads).
 * @param {string} outdir @param {boolean} [minify] false for readable profiles
 * @returns {{ output: string }}
 */
export function buildBundle(outdir, minify = true) {
  const outfile = path.join(outdir, "worker.bundle");
  const args = ["deploy", "--dry-run", "--env", "", "--outdir", outdir, "--outfile", outfile];
  // --minify=false: a profile needs the functions' own names.
  return { output: wrangler(minify ? args : [...args, "--minify=false"]) };
}

/**
 * wrangler.toml's top-level Worker options, with every rate limiter lifted and no queue
 * consumer or cron (the bench measures the request path; mail piles up in the queue).
 * @param {{ runWorkerFirst?: boolean | string[] | undefined }} overrides
 */
function benchWorkerOptions(overrides) {
  const config = unstable_readConfig({ config: path.join(root, "wrangler.toml"), env: "" }, {});
  for (const limiter of config.ratelimits ?? []) limiter.simple.limit = LIFTED_LIMIT;
  if (overrides.runWorkerFirst !== undefined && config.assets) {
    config.assets.run_worker_first = overrides.runWorkerFirst;
  }
  const { workerOptions } = unstable_getMiniflareWorkerOptions(config, "");
  const { queueConsumers: _consumers, cronTriggers: _crons, ...options } = workerOptions;
  return options;
}

/**
 * The Worker's entry module: the Worker itself, or (with a D1 latency) a front that swaps
 * env.DB for the delayed binding of bench/d1-latency.mjs.
 * @param {string} dir @param {string} main @param {number} latencyMs
 */
function modules(dir, main, latencyMs) {
  const mainModule = { type: /** @type {const} */ ("ESModule"), path: path.join(dir, main) };
  if (latencyMs <= 0) return [mainModule];
  const front = [
    `import worker from "./${main}";`,
    `import { withD1Latency } from "./bench-d1-latency.mjs";`,
    "export default {",
    `  fetch: (request, env, ctx) => worker.fetch(request, withD1Latency(env, ${latencyMs}), ctx),`,
    "};",
  ].join("\n");
  return [
    {
      type: /** @type {const} */ ("ESModule"),
      path: path.join(dir, "bench-front.mjs"),
      contents: front,
    },
    mainModule,
    {
      type: /** @type {const} */ ("ESModule"),
      path: path.join(dir, "bench-d1-latency.mjs"),
      contents: readFileSync(path.join(benchDir, "d1-latency.mjs"), "utf8"),
    },
  ];
}

/**
 * Starts both Workers and prepares their databases; resolves once both answer.
 * @param {{ bundleDir: string, appPort: number, ceilingPort: number, latencyMs: number,
 *   dataDir: string, inspectorPort?: number | undefined,
 *   runWorkerFirst?: boolean | string[] | undefined }} options
 */
export async function startServers(options) {
  const base = benchWorkerOptions({ runWorkerFirst: options.runWorkerFirst });
  const secrets = {
    JWT_SECRET: randomBytes(48).toString("base64url"),
    CATALOG_CACHE_TTL_SECONDS: "0",
  };
  /** @param {string} name @param {string} dir @param {string} main @param {number} port */
  const worker = (name, dir, main, port) => ({
    ...base,
    name,
    modules: modules(dir, main, options.latencyMs),
    modulesRoot: dir,
    bindings: { .../** @type {Record<string, unknown>} */ (base.bindings), ...secrets },
    d1Databases: { DB: `bench-${name}` },
    unsafeDirectSockets: [{ host: HOST, port }],
  });
  // Miniflare 5 still reads the v4 option shape that wrangler produces, through this.
  const mf = new Miniflare(
    convertV4MiniflareOptions({
      host: HOST,
      port: 0,
      resourcePersistencePath: options.dataDir,
      ...(options.inspectorPort ? { inspectorPort: options.inspectorPort } : {}),
      // Request logs would flood the table; the runtime still writes them (a real cost).
      handleStructuredLogs: () => {},
      workers: [
        worker("app", options.bundleDir, "index.js", options.appPort),
        worker("ceiling", benchDir, "ceiling.mjs", options.ceilingPort),
      ],
    }),
  );
  await mf.ready;
  const users = await seedRows();
  for (const name of ["app", "ceiling"]) {
    await prepareDatabase(await mf.getD1Database("DB", name), users);
  }
  return mf;
}

/** The seed, built once so both databases hold the same rows (same ids, same hashes). */
async function seedRows() {
  const hash = await hashPassword(BENCH_ADMIN.password);
  const now = new Date().toISOString();
  const users = [
    { email: BENCH_ADMIN.email, role: "admin", tier: "standard" },
    ...Array.from({ length: BENCH_CUSTOMERS }, (_, i) => ({
      email: `bench-customer-${i}@example.com`,
      role: "customer",
      tier: i % 2 === 0 ? "standard" : "premium",
    })),
  ].map((user) => ({
    id: uuidv7(),
    ...user,
    name: "Bench user",
    password_hash: hash,
    is_active: 1,
    created_at: now,
    updated_at: now,
  }));
  const start = Date.now() - PRODUCT_COUNT * 1000;
  const products = Array.from({ length: PRODUCT_COUNT }, (_, i) => {
    const created = new Date(start + i * 1000).toISOString();
    const sku = `BENCH-${String(i).padStart(4, "0")}`;
    return {
      id: uuidv7({ msecs: start + i * 1000 }),
      sku,
      name: `Bench product ${i}`,
      description: `A product for the benchmark (${sku}).`,
      price_cents: 100 + ((i * 37) % 10_000),
      currency: "USD",
      stock: STOCK,
      version: 1,
      created_at: created,
      updated_at: created,
    };
  });
  return { users, products };
}

/**
 * Applies migrations/*.sql in order (split as `wrangler d1 migrations apply` splits them,
 * and recorded in d1_migrations), then inserts the seed in few statements: every call from
 * Node is a round trip to workerd.
 * @param {Awaited<ReturnType<Miniflare["getD1Database"]>>} db
 * @param {Awaited<ReturnType<typeof seedRows>>} rows
 */
async function prepareDatabase(db, rows) {
  const migrations = readdirSync(path.join(root, "migrations"))
    .filter((name) => name.endsWith(".sql"))
    .sort();
  await db.batch([
    db.prepare(
      "CREATE TABLE IF NOT EXISTS d1_migrations (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)",
    ),
    ...migrations.flatMap((file) => [
      ...unstable_splitSqlQuery(readFileSync(path.join(root, "migrations", file), "utf8")).map(
        (sql) => db.prepare(sql),
      ),
      db.prepare("INSERT INTO d1_migrations (name) VALUES (?)").bind(file),
    ]),
  ]);
  // D1 refuses statements over 100 KB: 100 rows per INSERT stay well under it.
  const chunks = [];
  for (let i = 0; i < rows.products.length; i += 100) chunks.push(rows.products.slice(i, i + 100));
  await db.batch([
    db.prepare(insertSql("users", rows.users)),
    ...chunks.map((chunk) => db.prepare(insertSql("products", chunk))),
  ]);
}
