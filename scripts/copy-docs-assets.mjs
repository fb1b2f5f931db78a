// Copies the Scalar API reference bundle from node_modules into public/docs/vendor/, where
// Workers static assets serve it: the /docs page loads nothing from a CDN, so it works
// offline and under a strict Content-Security-Policy. public/docs/vendor/ is gitignored;
// npm run dev, npm test (pretest) and npm run deploy (predeploy) all run this first.
import { copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const vendorDir = path.join(root, "public", "docs", "vendor", "scalar");

/** The package's own entry resolves inside node_modules; the browser bundle sits beside it. */
function scalarPackageDir() {
  const require = createRequire(path.join(root, "package.json"));
  let entry;
  try {
    entry = require.resolve("@scalar/api-reference");
  } catch {
    throw new Error("@scalar/api-reference is not installed: run `npm install` first");
  }
  // .../node_modules/@scalar/api-reference/dist/index.js -> .../node_modules/@scalar/api-reference
  return path.resolve(path.dirname(entry), "..");
}

/** @param {string} source @param {string} target */
function isUpToDate(source, target) {
  try {
    const [from, to] = [statSync(source), statSync(target)];
    return from.size === to.size && from.mtimeMs <= to.mtimeMs;
  } catch {
    return false;
  }
}

export function copyDocsAssets() {
  const packageDir = scalarPackageDir();
  const { version, license } = JSON.parse(
    readFileSync(path.join(packageDir, "package.json"), "utf8"),
  );
  const source = path.join(packageDir, "dist", "browser", "standalone.js");
  const target = path.join(vendorDir, "standalone.js");
  mkdirSync(vendorDir, { recursive: true });
  if (!isUpToDate(source, target)) copyFileSync(source, target);
  writeFileSync(
    path.join(vendorDir, "VERSION.txt"),
    `@scalar/api-reference ${version} (${license}), copied from node_modules by scripts/copy-docs-assets.mjs\n`,
  );
  return { version, target: path.relative(root, target) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { version, target } = copyDocsAssets();
  console.log(`docs assets: @scalar/api-reference ${version} -> ${target}`);
}
