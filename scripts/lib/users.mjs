// Users for scripts (create-admin, the dev seed), hashed by the Worker's own password code
// (src/domains/auth/passwords.ts, which Node runs by stripping its types).
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { v7 as uuidv7 } from "uuid";
import { root, sqlValue } from "./local-d1.mjs";

/** @typedef {import("../../src/domains/auth/passwords.ts").PasswordOptions} PasswordOptions */
/** @typedef {import("../../src/domains/users/users.values.ts").Role} Role */
/** @typedef {import("../../src/domains/users/users.values.ts").Tier} Tier */

function requireTypeScript() {
  if (!process.features.typescript) {
    throw new Error(
      "This script imports TypeScript: use Node >= 22.18, or run it with --experimental-strip-types",
    );
  }
}

/** @returns {Promise<typeof import("../../src/domains/auth/passwords.ts")>} */
async function passwords() {
  requireTypeScript();
  return import("../../src/domains/auth/passwords.ts");
}

/**
 * The users domain's bounds, the same the API validates with.
 * @returns {Promise<typeof import("../../src/domains/users/users.values.ts")>}
 */
async function userValues() {
  requireTypeScript();
  return import("../../src/domains/users/users.values.ts");
}

/**
 * PASSWORD_PEPPER as the target database's Worker uses it: from the environment, else
 * (for the local database) from .dev.vars.
 * @param {{ local: boolean }} target
 * @returns {string | undefined}
 */
export function pepperFor(target) {
  if (process.env.PASSWORD_PEPPER) return process.env.PASSWORD_PEPPER;
  const file = path.join(root, ".dev.vars");
  if (!target.local || !existsSync(file)) return undefined;
  for (const line of readFileSync(file, "utf8").split(/\r?\n/)) {
    const match = /^\s*PASSWORD_PEPPER\s*=\s*"?([^"]*)"?\s*$/.exec(line);
    if (match?.[1]) return match[1];
  }
  return undefined;
}

/**
 * @param {string} email
 * @param {string} password
 */
async function validateCredentials(email, password) {
  const { EMAIL_MAX, PASSWORD_MAX, PASSWORD_MIN } = await userValues();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > EMAIL_MAX) {
    throw new Error(`not a valid email: ${email}`);
  }
  if (password.length < PASSWORD_MIN || password.length > PASSWORD_MAX) {
    throw new Error(`the password must be ${PASSWORD_MIN}..${PASSWORD_MAX} characters`);
  }
}

/**
 * SQL that creates the user, or, when the email exists, sets its password, role and name,
 * reactivates it and revokes its sessions (a password change always does).
 * @param {{ email: string, password: string, name: string, role: Role, tier?: Tier,
 *   pepper?: string | undefined, createdAt?: Date }} user
 * @returns {Promise<string>}
 */
export async function upsertUserSql(user) {
  await validateCredentials(user.email, user.password);
  const { hashPassword } = await passwords();
  const email = user.email.trim().toLowerCase();
  const createdAt = user.createdAt ?? new Date();
  const now = new Date().toISOString();
  const hash = await hashPassword(user.password, { pepper: user.pepper });
  const values = [
    uuidv7({ msecs: createdAt.getTime() }),
    email,
    user.name,
    hash,
    user.role,
    user.tier ?? "standard",
    1,
    createdAt.toISOString(),
    now,
  ].map(sqlValue);
  return [
    "INSERT INTO users (id, email, name, password_hash, role, tier, is_active, created_at, updated_at)",
    `VALUES (${values.join(", ")})`,
    "ON CONFLICT(email) DO UPDATE SET password_hash = excluded.password_hash,",
    "  role = excluded.role, name = excluded.name, is_active = 1, updated_at = excluded.updated_at;",
    `UPDATE refresh_tokens SET revoked_at = ${sqlValue(now)}`,
    `  WHERE revoked_at IS NULL AND user_id = (SELECT id FROM users WHERE email = ${sqlValue(email)});`,
    "",
  ].join("\n");
}
