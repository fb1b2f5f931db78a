export type Role = "customer" | "admin";
export type Tier = "standard" | "premium";

/** Who is calling: loaded fresh from the users table on every authenticated request. */
export type Principal = {
  id: string;
  email: string;
  role: Role;
  tier: Tier;
};
