/**
 * The users domain's value lists, each written once: the Drizzle column, its SQL CHECK,
 * the Zod enum of the API and the TypeScript type all come from these arrays.
 */
export const ROLES = ["customer", "admin"] as const;
export type Role = (typeof ROLES)[number];

export const TIERS = ["standard", "premium"] as const;
export type Tier = (typeof TIERS)[number];
