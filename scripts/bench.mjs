// npm run bench: a small, bounded load test against a running local `npm run dev`.
// It only ever talks to this machine (127.0.0.1 / localhost), sends a fixed number of GETs
// with a fixed concurrency and a timeout per request, and reports latency percentiles.
//
//   BENCH_URL=http://127.0.0.1:8787 BENCH_REQUESTS=500 BENCH_CONCURRENCY=10 npm run bench
//
// Numbers from `wrangler dev` measure this code on this machine (workerd + local SQLite),
// not the edge; use them to compare before/after a change. The speed goals live in README.
import { performance } from "node:perf_hooks";

const LOCAL_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** @param {string} name @param {number} fallback @param {number} max */
function boundedInt(name, fallback, max) {
  const raw = process.env[name];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new Error(`${name} must be an integer in 1..${max}`);
  }
  return value;
}

const base = new URL(process.env.BENCH_URL ?? "http://127.0.0.1:8787");
if (!LOCAL_HOSTS.has(base.hostname)) {
  console.error(`bench: refusing ${base.origin}: only a local wrangler dev is benchmarked`);
  process.exit(2);
}
const requests = boundedInt("BENCH_REQUESTS", 500, 10_000);
const concurrency = boundedInt("BENCH_CONCURRENCY", 10, 64);
const timeoutMs = boundedInt("BENCH_TIMEOUT_MS", 5_000, 60_000);
const WARMUP = 20;

/** Goals for p95 on a developer laptop; see README "Benchmark". */
const P95_GOAL_MS = {
  "GET /health": 100,
  "GET /api/v1/products": 150,
  "GET /api/v1/products/{id}": 150,
};

/** @param {string} path */
async function timedGet(path) {
  const started = performance.now();
  try {
    const res = await fetch(new URL(path, base), { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return { ms: performance.now() - started, status: res.status };
  } catch (error) {
    const name = error instanceof Error ? error.name : "Error";
    return { ms: performance.now() - started, status: 0, error: name };
  }
}

/** @param {number[]} sorted @param {number} p */
function percentile(sorted, p) {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

/** @param {string} path @param {number} count */
async function run(path, count) {
  let next = 0;
  /** @type {{ ms: number, status: number, error?: string }[]} */
  const results = [];
  const worker = async () => {
    while (next < count) {
      next += 1;
      results.push(await timedGet(path));
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return { results, seconds: (performance.now() - started) / 1000 };
}

async function productId() {
  const res = await fetch(new URL("/api/v1/products?limit=1", base), {
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok) return null;
  const body = /** @type {{ items?: { id: string }[] }} */ (await res.json());
  return body.items?.[0]?.id ?? null;
}

const health = await timedGet("/health");
if (health.status !== 200) {
  console.error(`bench: ${base.origin}/health did not answer 200; start the API with npm run dev`);
  process.exit(1);
}
const id = await productId();
/** @type {[string, string][]} */
const targets = [
  ["GET /health", "/health"],
  ["GET /api/v1/products", "/api/v1/products"],
];
if (id) targets.push(["GET /api/v1/products/{id}", `/api/v1/products/${id}`]);
else
  console.warn("bench: no product found (run npm run db:seed); skipping GET /api/v1/products/{id}");

console.log(
  `bench: ${base.origin}, ${requests} requests per endpoint, concurrency ${concurrency}, timeout ${timeoutMs} ms, ${WARMUP} warm-up requests\n`,
);
const rows = [];
for (const [label, path] of targets) {
  await run(path, WARMUP);
  const { results, seconds } = await run(path, requests);
  const ok = results.filter((r) => r.status >= 200 && r.status < 300);
  const latencies = ok.map((r) => r.ms).sort((a, b) => a - b);
  const failed = results.length - ok.length;
  const p95 = percentile(latencies, 95);
  const goal = P95_GOAL_MS[/** @type {keyof typeof P95_GOAL_MS} */ (label)];
  rows.push({
    endpoint: label,
    ok: ok.length,
    failed,
    "p50 ms": percentile(latencies, 50).toFixed(1),
    "p95 ms": p95.toFixed(1),
    "p99 ms": percentile(latencies, 99).toFixed(1),
    "max ms": (latencies.at(-1) ?? Number.NaN).toFixed(1),
    "req/s": (results.length / seconds).toFixed(0),
    "p95 goal": `${p95 <= goal ? "met" : "MISSED"} (<= ${goal} ms)`,
  });
  if (failed > 0) {
    const kinds = [
      ...new Set(results.filter((r) => !ok.includes(r)).map((r) => r.error ?? r.status)),
    ];
    console.warn(`bench: ${label}: ${failed} failed (${kinds.join(", ")})`);
  }
}
console.table(rows);
