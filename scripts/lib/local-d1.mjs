// Runs wrangler from the scripts. The D1 helpers below only ever touch the local database
// (the one `wrangler dev` uses, in .wrangler/state): they are for development data.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const wranglerBin = path.join(root, "node_modules", "wrangler", "bin", "wrangler.js");

/**
 * Runs wrangler with stdin closed, so it never waits for an answer (wrangler takes the
 * default, "yes", for its confirmations in a non-interactive context).
 * @param {string[]} args
 * @param {{ capture?: boolean }} [options]
 * @returns {string} stdout when captured
 */
export function wrangler(args, options = {}) {
  const result = spawnSync(process.execPath, [wranglerBin, ...args], {
    cwd: root,
    stdio: ["ignore", options.capture ? "pipe" : "inherit", "inherit"],
    encoding: "utf8",
    env: { ...process.env, WRANGLER_SEND_METRICS: process.env.WRANGLER_SEND_METRICS ?? "false" },
  });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(
      `wrangler ${args.join(" ")} failed (exit ${result.status})\n${result.stdout ?? ""}`,
    );
  }
  return result.stdout ?? "";
}

export function migrateLocal() {
  wrangler(["d1", "migrations", "apply", "DB", "--local"]);
}

/**
 * @param {string} sql a single read statement
 * @returns {Record<string, unknown>[]} its rows
 */
export function queryLocal(sql) {
  const output = wrangler(["d1", "execute", "DB", "--local", "--json", "--command", sql], {
    capture: true,
  });
  const [first] = JSON.parse(output);
  return first?.results ?? [];
}

/** @param {string} sql any number of statements, run as one file */
export function executeLocal(sql) {
  const dir = mkdtempSync(path.join(tmpdir(), "edge-store-seed-"));
  const file = path.join(dir, "seed.sql");
  try {
    writeFileSync(file, sql);
    wrangler(["d1", "execute", "DB", "--local", "--file", file], { capture: true });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A SQL string literal (or NULL).
 * @param {string | number | null} value
 */
export function sqlValue(value) {
  if (value === null) return "NULL";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) throw new Error(`not a finite number: ${value}`);
    return String(value);
  }
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * One INSERT for many rows; every row must have the same columns.
 * @param {string} table
 * @param {Record<string, string | number | null>[]} rows
 */
export function insertSql(table, rows) {
  const [first] = rows;
  if (!first) return "";
  const columns = Object.keys(first);
  const values = rows.map(
    (row) => `  (${columns.map((column) => sqlValue(row[column] ?? null)).join(", ")})`,
  );
  return `INSERT INTO ${table} (${columns.join(", ")}) VALUES\n${values.join(",\n")};\n`;
}
