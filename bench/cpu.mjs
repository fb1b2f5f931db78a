// CPU time of the workerd process that serves both Workers, read from /proc (Linux only).
// Per request it is a steadier figure than req/s on a shared machine: other processes
// take wall-clock time from workerd, much less so the CPU time a request needs.
import { readdirSync, readFileSync } from "node:fs";

/** @param {number} pid @returns {{ ppid: number, comm: string } | null} */
function stat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    const close = text.lastIndexOf(")");
    const comm = text.slice(text.indexOf("(") + 1, close);
    // After "(comm) ": state, ppid, ...
    const ppid = Number(text.slice(close + 2).split(" ")[1]);
    return { ppid, comm };
  } catch {
    return null;
  }
}

/**
 * The pid of the workerd started (directly or through a shell) by `ancestor`, or null.
 * @param {number} ancestor
 */
function findWorkerd(ancestor) {
  /** @type {Map<number, { ppid: number, comm: string }>} */
  const processes = new Map();
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const info = stat(pid);
    if (info) processes.set(pid, info);
  }
  for (const [pid, info] of processes) {
    if (info.comm !== "workerd") continue;
    for (let up = info.ppid; up > 1; up = processes.get(up)?.ppid ?? 0) {
      if (up === ancestor) return pid;
    }
  }
  return null;
}

/** @param {number} pid Nanoseconds on a CPU, all of the process's threads together. */
function cpuNanoseconds(pid) {
  let total = 0;
  for (const thread of readdirSync(`/proc/${pid}/task`)) {
    const schedstat = readFileSync(`/proc/${pid}/task/${thread}/schedstat`, "utf8");
    total += Number(schedstat.split(" ")[0]);
  }
  return total;
}

/**
 * A reader of workerd's CPU time in milliseconds, or null where /proc cannot say (not
 * Linux, no workerd found): the bench then reports no CPU figure.
 * @returns {(() => number) | null}
 */
export function workerdCpuClock() {
  try {
    const pid = findWorkerd(process.pid);
    if (pid === null) return null;
    cpuNanoseconds(pid);
    return () => cpuNanoseconds(pid) / 1e6;
  } catch {
    return null;
  }
}
