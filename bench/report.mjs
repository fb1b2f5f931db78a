// The bench's results as a Markdown table (stdout, README) and as JSON (bench/results/).

/** @param {number} value @param {number} [digits] */
const fixed = (value, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");

/** @param {number | null} trips */
const trips = (trips) => (trips === null ? "n/a" : String(trips));

/** @param {number | null} us */
const cpu = (us) => (us === null ? "n/a" : fixed(us));

/**
 * The ceiling's CPU per request over the app's: the share of the ceiling's speed the app
 * would reach if CPU were all that limited it. Steadier than the ratio of req/s on a shared
 * machine (other processes take wall-clock time, much less CPU time per request), but the
 * goals are stated in req/s, so it stands beside that ratio, not in its place.
 * @param {import("./load.mjs").Side} app @param {import("./load.mjs").Side} ceiling
 */
export function cpuRatio(app, ceiling) {
  return app.cpuUsPerRequest && ceiling.cpuUsPerRequest
    ? ceiling.cpuUsPerRequest / app.cpuUsPerRequest
    : Number.NaN;
}

/**
 * @param {{ endpoint: string, goal: number, app: import("./load.mjs").Side,
 *   ceiling: import("./load.mjs").Side }[]} rows
 * @param {{ bundle: { gzipKiB: number, totalKiB: number, goalKiB: number },
 *   startup: { activeMs: number | null, runs: number[], goalMs: number }, latencyMs: number }} extra
 */
export function markdown(rows, extra) {
  const lines = [
    "| endpoint | app req/s | ceiling req/s | ratio (goal) | app p50 / p99 ms | ceiling p50 / p99 ms | workerd CPU µs/request app / ceiling | CPU ratio | D1 round trips app / ceiling | non-2xx app / ceiling |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const { endpoint, goal, app, ceiling } of rows) {
    // No answer within a round (a saturated machine) is no figure, not zero.
    const ratio = ceiling.rps > 0 && app.rps > 0 ? app.rps / ceiling.rps : Number.NaN;
    lines.push(
      [
        "",
        ` \`${endpoint}\` `,
        ` ${fixed(app.rps)} `,
        ` ${fixed(ceiling.rps)} `,
        goal > 0
          ? ` ${fixed(ratio, 2)}× (≥ ${goal}×) ${ratio >= goal ? "✓" : "✗"} `
          : ` ${fixed(ratio, 2)}× `,
        ` ${fixed(app.p50, 1)} / ${fixed(app.p99, 1)} `,
        ` ${fixed(ceiling.p50, 1)} / ${fixed(ceiling.p99, 1)} `,
        ` ${cpu(app.cpuUsPerRequest)} / ${cpu(ceiling.cpuUsPerRequest)} `,
        ` ${fixed(cpuRatio(app, ceiling), 2)}× `,
        ` ${trips(app.roundTrips)} / ${trips(ceiling.roundTrips)} `,
        ` ${app.non2xx + app.errors} / ${ceiling.non2xx + ceiling.errors} `,
        "",
      ].join("|"),
    );
  }
  const { bundle, startup } = extra;
  lines.push(
    "",
    "| bundle and startup | measured | goal |",
    "|---|---:|---:|",
    `| bundle, gzip (total upload) | ${fixed(bundle.gzipKiB, 1)} KiB (${fixed(bundle.totalKiB, 1)} KiB) | ≤ ${bundle.goalKiB} KiB ${bundle.gzipKiB <= bundle.goalKiB ? "✓" : "✗"} |`,
    `| startup CPU (\`wrangler check startup\`, active, least of ${startup.runs.length}) | ${startup.activeMs === null ? "n/a" : `${fixed(startup.activeMs, 1)} ms`} | ≤ ${startup.goalMs} ms ${startup.activeMs !== null && startup.activeMs <= startup.goalMs ? "✓" : "✗"} |`,
  );
  if (extra.latencyMs > 0) {
    lines.push("", `Every D1 round trip was delayed by ${extra.latencyMs} ms (--d1-latency).`);
  }
  return lines.join("\n");
}
