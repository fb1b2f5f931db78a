import { env, exports } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { AccessTokens } from "../../src/domains/auth/access-tokens";
import type { TokenPairResponse } from "../../src/domains/auth/auth.schemas";
import { hashPassword } from "../../src/domains/auth/passwords";
import { users } from "../../src/domains/users/users.table";
import type { Role, Tier } from "../../src/domains/users/users.values";
import { newId } from "../../src/lib/ids";

export type TestUser = {
  id: string;
  email: string;
  role: Role;
  tier: Tier;
  token: string;
  /** Set when the user was created with a real password (it can log in). */
  password?: string;
};

let sequence = 0;
/** Unique per call, so tests sharing a file's database never collide. */
export function unique(prefix: string): string {
  sequence += 1;
  return `${prefix}-${Date.now().toString(36)}-${sequence}-${Math.random().toString(36).slice(2, 8)}`;
}

export function accessTokens(): AccessTokens {
  return new AccessTokens({
    secret: env.JWT_SECRET ?? "",
    issuer: env.JWT_ISSUER ?? "",
    audience: env.JWT_AUDIENCE ?? "",
  });
}

/**
 * Inserts a user row directly and mints an access token for it. With `password`, the row
 * gets a real hash (same code as production), so the user can log in.
 */
export async function createUser(
  options: {
    role?: Role;
    tier?: Tier;
    isActive?: boolean;
    password?: string;
    email?: string;
    name?: string;
  } = {},
): Promise<TestUser> {
  const now = new Date().toISOString();
  const row = {
    id: newId(),
    email: options.email ?? `${unique("user")}@example.com`,
    name: options.name ?? "Test User",
    passwordHash: options.password
      ? await hashPassword(options.password, { pepper: env.PASSWORD_PEPPER })
      : "not-a-real-hash",
    role: options.role ?? "customer",
    tier: options.tier ?? "standard",
    isActive: options.isActive ?? true,
    createdAt: now,
    updatedAt: now,
  } as const;
  await drizzle(env.DB).insert(users).values(row);
  const token = await accessTokens().sign({ sub: row.id, role: row.role });
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    tier: row.tier,
    token,
    ...(options.password ? { password: options.password } : {}),
  };
}

/** A fake client IP per call, so login tests never share the per-IP rate limit. */
export function uniqueIp(): string {
  const octet = () => Math.floor(Math.random() * 254) + 1;
  return `10.${octet()}.${octet()}.${octet()}`;
}

/** Logs in through the API (counts against the 5-per-minute limit of that email). */
export async function loginAs(user: {
  email: string;
  password?: string;
}): Promise<TokenPairResponse> {
  if (!user.password) throw new Error("loginAs needs a user created with a password");
  const response = await exports.default.fetch(
    new Request("http://localhost/api/v1/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/json", "CF-Connecting-IP": uniqueIp() },
      body: JSON.stringify({ email: user.email, password: user.password }),
    }),
  );
  if (response.status !== 200) throw new Error(`login failed: ${response.status}`);
  return (await response.json()) as TokenPairResponse;
}

export const createAdmin = () => createUser({ role: "admin" });
export const createCustomer = () => createUser({ role: "customer" });
