/**
 * The users domain's value lists and bounds, each written once: the Drizzle column, its SQL
 * CHECK, the Zod schemas of the API, the TypeScript type and the Node scripts
 * (scripts/lib/users.mjs, which imports this file, so it imports nothing) all come from here.
 */
export const ROLES = ["customer", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** An untrusted value (a JWT claim) as a Role, or not. */
export function isRole(value: unknown): value is Role {
  return ROLES.some((role) => role === value);
}

export const TIERS = ["standard", "premium"] as const;
export type Tier = (typeof TIERS)[number];

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 128;
export const EMAIL_MAX = 254;
