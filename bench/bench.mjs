// npm run bench: the production bundle against a framework-free ceiling Worker, side by
// side in one workerd on 127.0.0.1 (see README "Benchmark").
//
//   npm run bench                       3 rounds of 10 s per endpoint and Worker (~6 min)
//   npm run bench -- --quick            2 rounds of 3 s (under 2 min)
//   npm run bench -- --d1-latency 50    every D1 round trip takes 50 ms more (a far primary)
//   npm run bench -- --port 18710       app on 18710, ceiling on 18711 (default: free ports)
//   npm run bench -- --run-worker-first /docs/*,/api/*   override wrangler.toml's setting
//   npm run bench -- --out FILE         JSON results (default bench/results/latest.json)
//   npm run bench -- --only health      only the endpoints whose name matches (a regexp)
//
//   npm run bench -- --profile          CPU profile of the app per endpoint (unminified build)
//
// Bounded: fixed durations, 32 connections (8 for orders), a 10 s timeout per request, only
// 127.0.0.1.
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { copyDocsAssets } from "../scripts/copy-docs-assets.mjs";
import { workerdCpuClock } from "./cpu.mjs";
import { measure, runAll } from "./load.mjs";
import { profileWhile } from "./profile.mjs";
import { cpuRatio, markdown } from "./report.mjs";
import { BENCH_ADMIN, buildBundle, HOST, root, startServers, wrangler } from "./server.mjs";

const GOALS = { bundleGzipKiB: 180, startupMs: 50 };

const { values: args } = parseArgs({
  options: {
    quick: { type: "boolean", default: false },
    profile: { type: "boolean", default: false },
    "d1-latency": { type: "string", default: "0" },
    port: { type: "string" },
    "run-worker-first": { type: "string" },
    out: { type: "string", default: path.join(root, "bench", "results", "latest.json") },
    only: { type: "string" },
  },
});
const latencyMs = Number(args["d1-latency"]);
if (!Number.isInteger(latencyMs) || latencyMs < 0 || latencyMs > 1000) {
  throw new Error("--d1-latency must be an integer number of milliseconds in 0..1000");
}
const plan = args.quick
  ? { seconds: 3, warmupSeconds: 1, rounds: 2, connections: 32, startupRuns: 1 }
  : { seconds: 10, warmupSeconds: 2, rounds: 3, connections: 32, startupRuns: 5 };
const startedAt = Date.now();
let profilePort = 0;
const log = (/** @type {string} */ line) =>
  console.error(`${line} (${((Date.now() - startedAt) / 1000).toFixed(0)} s)`);

/** A port the OS says is free on 127.0.0.1. */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, HOST, () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** @param {string} output wrangler's, e.g. "Total Upload: 1299.91 KiB / gzip: 238.52 KiB" */
function uploadSize(output) {
  const match = /Total Upload: ([\d.]+) KiB \/ gzip: ([\d.]+) KiB/.exec(output);
  if (!match) throw new Error(`no upload size in wrangler's output:\n${output}`);
  return { totalKiB: Number(match[1]), gzipKiB: Number(match[2]), goalKiB: GOALS.bundleGzipKiB };
}

/**
 * `wrangler check startup`'s active CPU time (GC included) for the bundle built above: the
 * least of `runs` profiles (a busy machine only ever adds to it), or null if none says.
 * @param {string} dir @param {number} runs
 */
function startupCpu(dir, runs) {
  /** @type {number[]} */
  const measured = [];
  for (let run = 0; run < runs; run += 1) {
    const command = ["check", "startup", "--env", "", "--worker", path.join(dir, "worker.bundle")];
    try {
      const output = wrangler([...command, "--outfile", path.join(dir, "startup.cpuprofile")]);
      const match = /Active: ([\d.]+) ms/.exec(output);
      if (match) measured.push(Number(match[1]));
    } catch (error) {
      // wrangler gives up after 10 s on a saturated machine: no figure, not a failed bench.
      log(`bench: wrangler check startup failed: ${String(error).split("\n")[0]}`);
    }
  }
  const activeMs = measured.length > 0 ? Math.min(...measured) : null;
  return { activeMs, runs: measured, goalMs: GOALS.startupMs };
}

/** @param {string} appBase */
async function accessToken(appBase) {
  const response = await fetch(`${appBase}/api/v1/auth/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(BENCH_ADMIN),
    signal: AbortSignal.timeout(30_000),
  });
  if (!response.ok)
    throw new Error(`bench login failed: ${response.status} ${await response.text()}`);
  return /** @type {{ access_token: string }} */ (await response.json()).access_token;
}

/** @param {string} appBase @param {string} token @returns {Promise<import("./load.mjs").Endpoint[]>} */
async function endpoints(appBase, token) {
  const response = await fetch(`${appBase}/api/v1/products?limit=2`);
  const { items } = /** @type {{ items: { id: string }[] }} */ (await response.json());
  const [first, second] = items;
  if (!first || !second) throw new Error("the bench catalog is empty");
  const body = JSON.stringify({
    items: [
      { product_id: first.id, quantity: 1 },
      { product_id: second.id, quantity: 1 },
    ],
  });
  return [
    { name: "GET /health", goal: 0.8, method: "GET", path: "/health" },
    { name: "GET /docs/init.js (asset)", goal: 0, method: "GET", path: "/docs/init.js" },
    {
      name: "GET /api/v1/products/{id}",
      goal: 0.8,
      method: "GET",
      path: `/api/v1/products/${second.id}`,
    },
    {
      name: "GET /api/v1/products?limit=20",
      goal: 0.8,
      method: "GET",
      path: "/api/v1/products?limit=20",
    },
    {
      name: "POST /api/v1/orders (2 lines)",
      goal: 0.7,
      method: "POST",
      path: "/api/v1/orders",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      body,
      // A write takes the database's lock: more connections only queue behind it, and on a
      // busy machine no answer would arrive within a short round.
      connections: 8,
    },
  ];
}

// The databases live in memory when the machine has /dev/shm: a disk's fsync on every D1
// write would time the disk, for both Workers alike, instead of the code.
/**
 * The A/B run: prints the table and writes the JSON.
 * @param {string} appBase @param {string} ceilingBase
 * @param {import("./load.mjs").Endpoint[]} list
 * @param {{ bundle: ReturnType<typeof uploadSize>, startup: ReturnType<typeof startupCpu> }} figures
 */
async function benchmark(appBase, ceilingBase, list, { bundle, startup }) {
  const cpuClock = workerdCpuClock();
  const rows = await runAll({ app: appBase, ceiling: ceilingBase }, list, {
    ...plan,
    cpuClock,
    log,
  });
  console.log(markdown(rows, { bundle, startup, latencyMs }));
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  const results = {
    date: new Date().toISOString(),
    machine: `${cpu}, ${os.cpus().length} cores, ${os.platform()} ${os.release()}, Node ${process.version}`,
    options: { ...plan, latencyMs, runWorkerFirst: args["run-worker-first"] ?? "wrangler.toml" },
    endpoints: rows.map((row) => ({ ...row, cpuRatio: cpuRatio(row.app, row.ceiling) })),
    bundle,
    startup,
  };
  mkdirSync(path.dirname(args.out), { recursive: true });
  writeFileSync(args.out, `${JSON.stringify(results, null, 2)}\n`);
  log(`bench: ${results.machine}; JSON in ${path.relative(root, args.out)}`);
}

/**
 * --profile: each endpoint loaded for 4 s on the app alone, its CPU profile summarised.
 * @param {string} appBase @param {import("./load.mjs").Endpoint[]} list @param {string} dir
 */
async function profileEndpoints(appBase, list, dir) {
  mkdirSync(dir, { recursive: true });
  for (const endpoint of list) {
    const slug = endpoint.name.replace(/[^a-z0-9]+/gi, "-").toLowerCase();
    const top = await profileWhile({
      host: HOST,
      inspectorPort: profilePort,
      out: path.join(dir, `${slug}.cpuprofile`),
      load: () => measure(appBase, endpoint, { seconds: 4, connections: 8 }),
    });
    const total = top.reduce((sum, [, ms]) => sum + ms, 0);
    console.log(`\n${endpoint.name}: ${total.toFixed(0)} ms sampled`);
    for (const [name, ms] of top.slice(0, 25)) {
      console.log(`${((100 * ms) / total).toFixed(1).padStart(5)}%  ${name}`);
    }
  }
}

const workDir = mkdtempSync(
  path.join(existsSync("/dev/shm") ? "/dev/shm" : os.tmpdir(), "edge-store-bench-"),
);
try {
  copyDocsAssets();
  log("bench: building the production bundle (wrangler deploy --dry-run)");
  const bundle = uploadSize(buildBundle(path.join(workDir, "dist"), !args.profile).output);
  log("bench: profiling startup (wrangler check startup)");
  const startup = args.profile
    ? { activeMs: null, runs: /** @type {number[]} */ ([]), goalMs: GOALS.startupMs }
    : startupCpu(path.join(workDir, "dist"), plan.startupRuns);
  profilePort = await freePort();
  const appPort = args.port ? Number(args.port) : await freePort();
  const ceilingPort = args.port ? appPort + 1 : await freePort();
  const runWorkerFirst = args["run-worker-first"];
  log(`bench: serving app on ${HOST}:${appPort}, ceiling on ${HOST}:${ceilingPort}`);
  const mf = await startServers({
    bundleDir: path.join(workDir, "dist"),
    appPort,
    ceilingPort,
    latencyMs,
    dataDir: path.join(workDir, "data"),
    inspectorPort: args.profile ? profilePort : undefined,
    runWorkerFirst:
      runWorkerFirst === undefined
        ? undefined
        : ["true", "false"].includes(runWorkerFirst)
          ? runWorkerFirst === "true"
          : runWorkerFirst.split(","),
  });
  log("bench: both Workers ready, databases seeded");
  try {
    const appBase = `http://${HOST}:${appPort}`;
    const only = args.only === undefined ? null : new RegExp(args.only, "i");
    const list = (await endpoints(appBase, await accessToken(appBase))).filter(
      (endpoint) => only === null || only.test(endpoint.name),
    );
    if (list.length === 0) throw new Error(`--only ${args.only} matches no endpoint`);
    if (args.profile) await profileEndpoints(appBase, list, path.dirname(args.out));
    else await benchmark(appBase, `http://${HOST}:${ceilingPort}`, list, { bundle, startup });
  } finally {
    await mf.dispose();
    log("bench: stopped");
  }
} finally {
  rmSync(workDir, { recursive: true, force: true });
}
