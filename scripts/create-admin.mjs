// npm run create-admin -- --email E --password P [--name N] [--env production --remote]
//
// Creates an admin, hashing the password with the Worker's own code. Local D1 by default
// (migrations are applied first); --remote writes to the deployed database of --env (apply
// its migrations first: npm run db:migrate:remote -- --env production). If the email
// exists, that account becomes an active admin with this password and its sessions are
// revoked. When the target Worker has PASSWORD_PEPPER, export the same value first.
// The password can come from ADMIN_PASSWORD instead of --password (keeps it out of history).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { migrateLocal, wrangler } from "./lib/local-d1.mjs";
import { pepperFor, upsertUserSql } from "./lib/users.mjs";

const { values } = parseArgs({
  options: {
    email: { type: "string" },
    password: { type: "string" },
    name: { type: "string", default: "Admin" },
    env: { type: "string" },
    remote: { type: "boolean", default: false },
  },
});

const password = values.password ?? process.env.ADMIN_PASSWORD;
if (!values.email || !password) {
  console.error(
    "usage: npm run create-admin -- --email E --password P [--name N] [--env production --remote]",
  );
  process.exit(2);
}

const local = !values.remote;
const sql = await upsertUserSql({
  email: values.email,
  password,
  name: values.name ?? "Admin",
  role: "admin",
  pepper: pepperFor({ local }),
});

if (local) migrateLocal();
const dir = mkdtempSync(path.join(tmpdir(), "edge-store-admin-"));
try {
  const file = path.join(dir, "create-admin.sql");
  writeFileSync(file, sql, { mode: 0o600 });
  const target = [local ? "--local" : "--remote", ...(values.env ? ["--env", values.env] : [])];
  wrangler(["d1", "execute", "DB", ...target, "--file", file]);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const where = local ? "the local database" : `the ${values.env ?? "default"} remote database`;
console.log(`create-admin: ${values.email.toLowerCase()} is an admin in ${where}`);
