import { env } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { AccessTokens } from "../../src/domains/auth/access-tokens";
import type { Role, Tier } from "../../src/domains/auth/auth.principal";
import { users } from "../../src/domains/users/users.table";
import { newId } from "../../src/lib/ids";

export type TestUser = { id: string; email: string; role: Role; tier: Tier; token: string };

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

/** Inserts a user row directly and mints an access token for it. */
export async function createUser(
  options: { role?: Role; tier?: Tier; isActive?: boolean } = {},
): Promise<TestUser> {
  const now = new Date().toISOString();
  const row = {
    id: newId(),
    email: `${unique("user")}@example.com`,
    name: "Test User",
    passwordHash: "not-a-real-hash",
    role: options.role ?? "customer",
    tier: options.tier ?? "standard",
    isActive: options.isActive ?? true,
    createdAt: now,
    updatedAt: now,
  } as const;
  await drizzle(env.DB).insert(users).values(row);
  const token = await accessTokens().sign({ sub: row.id, role: row.role });
  return { id: row.id, email: row.email, role: row.role, tier: row.tier, token };
}

export const createAdmin = () => createUser({ role: "admin" });
export const createCustomer = () => createUser({ role: "customer" });
