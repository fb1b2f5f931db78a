// `npm run bench -- --profile`: a CPU profile of the app Worker under load, through workerd's
// inspector (Chrome DevTools protocol), summarised as self time per function. The raw
// profile is written beside the JSON results, for DevTools or VS Code.
import { writeFileSync } from "node:fs";

/**
 * @typedef {{ id: number, callFrame: { functionName: string, url: string, lineNumber: number },
 *   children?: number[] }} ProfileNode
 * @typedef {{ nodes: ProfileNode[], samples: number[], timeDeltas: number[],
 *   startTime: number, endTime: number }} Profile
 */

/**
 * Opens the inspector session of the Worker named `worker`.
 * @param {string} host @param {number} port @param {string} worker
 */
async function connect(host, port, worker) {
  const targets = /** @type {{ id: string, title: string, webSocketDebuggerUrl: string }[]} */ (
    await (await fetch(`http://${host}:${port}/json`)).json()
  );
  const target = targets.find((t) => t.title === `core:user:${worker}`) ?? targets[0];
  if (!target) throw new Error("no inspector target");
  const socket = new WebSocket(target.webSocketDebuggerUrl);
  await new Promise((resolve, reject) => {
    socket.addEventListener("open", resolve, { once: true });
    socket.addEventListener("error", reject, { once: true });
  });
  let nextId = 1;
  /** @type {Map<number, (result: any) => void>} */
  const pending = new Map();
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(String(event.data));
    pending.get(message.id)?.(message.result);
    pending.delete(message.id);
  });
  /** @param {string} method @param {Record<string, unknown>} [params] */
  const send = (method, params = {}) =>
    new Promise((resolve) => {
      const id = nextId++;
      pending.set(id, resolve);
      socket.send(JSON.stringify({ id, method, params }));
    });
  return { send, close: () => socket.close() };
}

/**
 * Self time per function (ms), largest first.
 * @param {Profile} profile
 */
export function selfTimes(profile) {
  /** @type {Map<number, ProfileNode>} */
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  /** @type {Map<string, number>} */
  const totals = new Map();
  profile.samples.forEach((id, i) => {
    const frame = byId.get(id)?.callFrame;
    if (!frame) return;
    const file = frame.url.split("/").pop() || "(native)";
    const key = `${frame.functionName || "(anonymous)"} ${file}:${frame.lineNumber + 1}`;
    totals.set(key, (totals.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  return [...totals.entries()].sort((a, b) => b[1] - a[1]);
}

/**
 * Profiles the app Worker while `load` runs.
 * @param {{ host: string, inspectorPort: number, out: string, load: () => Promise<unknown> }} options
 */
export async function profileWhile(options) {
  const session = await connect(options.host, options.inspectorPort, "app");
  try {
    await session.send("Profiler.enable");
    await session.send("Profiler.setSamplingInterval", { interval: 100 });
    await session.send("Profiler.start");
    await options.load();
    const { profile } = /** @type {{ profile: Profile }} */ (await session.send("Profiler.stop"));
    writeFileSync(options.out, JSON.stringify(profile));
    return selfTimes(profile);
  } finally {
    session.close();
  }
}
