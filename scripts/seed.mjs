// npm run db:seed: fills the local D1 with development data, one section per file in
// scripts/seed/ (run in file-name order, so 05-users runs before 10-products). A section
// runs only while its table is empty, so seeding twice adds nothing.
//
// To add a section, create scripts/seed/<NN>-<name>.mjs whose default export is a
// SeedSection: { name, table, sql() } where sql() returns the INSERT statements (it may be
// async, e.g. to hash passwords).
import { readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { executeLocal, migrateLocal, queryLocal, root } from "./lib/local-d1.mjs";

/** @typedef {{ name: string, table: string, sql: () => string | Promise<string> }} SeedSection */

const sectionsDir = path.join(root, "scripts", "seed");

/** @returns {Promise<SeedSection[]>} */
async function loadSections() {
  const files = readdirSync(sectionsDir)
    .filter((file) => file.endsWith(".mjs"))
    .sort();
  const sections = [];
  for (const file of files) {
    const module = await import(pathToFileURL(path.join(sectionsDir, file)).href);
    sections.push(/** @type {SeedSection} */ (module.default));
  }
  return sections;
}

/** @param {string} table */
function isEmpty(table) {
  const [row] = queryLocal(`SELECT COUNT(*) AS n FROM ${table}`);
  return Number(row?.n ?? 0) === 0;
}

/** Seeds every section whose table is empty. Assumes the local migrations are applied. */
export async function seed() {
  for (const section of await loadSections()) {
    if (!isEmpty(section.table)) {
      console.log(`seed: ${section.name}: ${section.table} already has rows, skipped`);
      continue;
    }
    const sql = await section.sql();
    if (sql.trim()) executeLocal(sql);
    console.log(`seed: ${section.name}: seeded`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  migrateLocal();
  await seed();
}
