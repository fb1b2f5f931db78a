// npm run dev: from a fresh clone to the API on http://localhost:8787 in one command.
// 1. creates .dev.vars with a random JWT_SECRET and OUTBOX_KEY when it is missing
// 2. copies the docs UI bundle into public/docs/vendor/
// 3. applies the local D1 migrations
// 4. seeds the local D1 (each section only while its table is empty)
// 5. starts wrangler dev on port 8787 (extra arguments go to wrangler: npm run dev -- --port 9000)
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { copyDocsAssets } from "./copy-docs-assets.mjs";
import { migrateLocal, root } from "./lib/local-d1.mjs";
import { seed } from "./seed.mjs";

function ensureDevVars() {
  const file = path.join(root, ".dev.vars");
  if (existsSync(file)) return;
  const secret = randomBytes(48).toString("base64url");
  const outboxKey = randomBytes(48).toString("base64url");
  writeFileSync(
    file,
    [
      "# Local secrets for wrangler dev, created by npm run dev. Never commit this file.",
      "# See .dev.vars.example for the other secrets you can set here.",
      `JWT_SECRET=${secret}`,
      `OUTBOX_KEY=${outboxKey}`,
      "",
    ].join("\n"),
    { mode: 0o600 },
  );
  console.log("dev: created .dev.vars with a random JWT_SECRET and OUTBOX_KEY");
}

ensureDevVars();
const { version } = copyDocsAssets();
console.log(`dev: docs assets ready (@scalar/api-reference ${version})`);
migrateLocal();
await seed();

const extra = process.argv.slice(2);
const defaults = extra.some((arg) => arg === "--port" || arg.startsWith("--port="))
  ? []
  : ["--port", "8787"];
const child = spawn(
  process.execPath,
  [path.join(root, "node_modules", "wrangler", "bin", "wrangler.js"), "dev", ...defaults, ...extra],
  { cwd: root, stdio: "inherit" },
);
for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM", "SIGHUP"])) {
  process.on(signal, () => child.kill(signal));
}
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
