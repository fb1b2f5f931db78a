// Drives the two Workers with autocannon, alternating A/B per round (ABBA, so neither side
// always runs on a warmer or cooler machine), and reads each endpoint's D1 round trips from
// the Server-Timing header of a few probe requests.
import autocannon from "autocannon";

/**
 * @typedef {{ name: string, goal: number, method: "GET" | "POST", path: string,
 *   headers?: Record<string, string>, body?: string, connections?: number }} Endpoint
 * @typedef {{ rps: number, p50: number, p99: number, non2xx: number, errors: number,
 *   cpuUsPerRequest: number | null }} Sample
 * @typedef {{ rps: number, p50: number, p99: number, non2xx: number, errors: number,
 *   cpuUsPerRequest: number | null, roundTrips: number | null, rounds: Sample[] }} Side
 */

/**
 * @param {string} base @param {Endpoint} endpoint
 * @param {{ seconds: number, connections: number, cpuClock?: (() => number) | null }} load
 *   cpuClock: workerd's CPU time in ms (bench/cpu.mjs), for the CPU per request
 * @returns {Promise<Sample>}
 */
export async function measure(base, endpoint, load) {
  const cpuBefore = load.cpuClock?.() ?? null;
  const result = await autocannon({
    url: `${base}${endpoint.path}`,
    method: endpoint.method,
    headers: endpoint.headers ?? {},
    body: endpoint.body,
    connections: endpoint.connections ?? load.connections,
    duration: load.seconds,
    timeout: 10,
  });
  const cpuMs = cpuBefore === null || !load.cpuClock ? null : load.cpuClock() - cpuBefore;
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
    // Only one Worker is loaded at a time, so workerd's CPU in the round is this side's.
    cpuUsPerRequest:
      cpuMs === null || result.requests.total === 0 ? null : (1000 * cpuMs) / result.requests.total,
  };
}

/**
 * The n of `d1;dur=..;desc="<n> round trips"`, or null when the header does not say.
 * @param {string | null} header
 */
export function roundTripsOf(header) {
  const match = /(?:^|,)\s*d1;[^,]*desc="(\d+) round trips?"/.exec(header ?? "");
  return match ? Number(match[1]) : null;
}

/**
 * Round trips per request, from probes (the load itself is left undisturbed): the
 * largest value seen, or null when the Worker sends no such header.
 * @param {string} base @param {Endpoint} endpoint
 */
async function probeRoundTrips(base, endpoint) {
  /** @type {number | null} */
  let most = null;
  for (let i = 0; i < 3; i += 1) {
    const response = await fetch(`${base}${endpoint.path}`, {
      method: endpoint.method,
      headers: endpoint.headers ?? {},
      body: endpoint.body ?? null,
      signal: AbortSignal.timeout(10_000),
    });
    await response.arrayBuffer();
    const trips = roundTripsOf(response.headers.get("Server-Timing"));
    if (trips !== null) most = Math.max(most ?? 0, trips);
  }
  return most;
}

/** @param {number[]} values */
function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** @param {Sample[]} rounds @param {number | null} roundTrips @returns {Side} */
function summarise(rounds, roundTrips) {
  const cpu = rounds.map((r) => r.cpuUsPerRequest).filter((value) => value !== null);
  return {
    rps: median(rounds.map((r) => r.rps)),
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    non2xx: rounds.reduce((sum, r) => sum + r.non2xx, 0),
    errors: rounds.reduce((sum, r) => sum + r.errors, 0),
    cpuUsPerRequest: cpu.length === rounds.length ? median(cpu) : null,
    roundTrips,
    rounds,
  };
}

/**
 * Every endpoint, app and ceiling alternating; medians over the rounds.
 * @param {{ app: string, ceiling: string }} bases
 * @param {Endpoint[]} endpoints
 * @param {{ seconds: number, warmupSeconds: number, rounds: number, connections: number,
 *   cpuClock: (() => number) | null, log: (line: string) => void }} plan
 */
export async function runAll(bases, endpoints, plan) {
  const results = [];
  for (const endpoint of endpoints) {
    /** @type {Record<"app" | "ceiling", Sample[]>} */
    const rounds = { app: [], ceiling: [] };
    for (const side of /** @type {const} */ (["ceiling", "app"])) {
      await measure(bases[side], endpoint, { seconds: plan.warmupSeconds, connections: 8 });
    }
    for (let round = 0; round < plan.rounds; round += 1) {
      /** @type {("app" | "ceiling")[]} */
      const order = round % 2 === 0 ? ["ceiling", "app"] : ["app", "ceiling"];
      for (const side of order) {
        rounds[side].push(await measure(bases[side], endpoint, plan));
      }
    }
    const app = summarise(rounds.app, await probeRoundTrips(bases.app, endpoint));
    const ceiling = summarise(rounds.ceiling, await probeRoundTrips(bases.ceiling, endpoint));
    const us = (/** @type {Side} */ side) =>
      side.cpuUsPerRequest === null ? "" : ` (${side.cpuUsPerRequest.toFixed(0)} µs CPU)`;
    plan.log(
      `bench: ${endpoint.name}: app ${app.rps.toFixed(0)} req/s${us(app)}, ceiling ${ceiling.rps.toFixed(0)} req/s${us(ceiling)}`,
    );
    results.push({ endpoint: endpoint.name, goal: endpoint.goal, app, ceiling });
  }
  return results;
}
