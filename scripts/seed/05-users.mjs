// Seed section: the documented development accounts (local only, never deployed).
//   admin@example.com    / admin-password-123     (admin)
//   customer@example.com / customer-password-123  (customer)
import { pepperFor, upsertUserSql } from "../lib/users.mjs";

export const DEV_USERS = /** @type {const} */ ([
  { email: "admin@example.com", password: "admin-password-123", name: "Dev Admin", role: "admin" },
  {
    email: "customer@example.com",
    password: "customer-password-123",
    name: "Dev Customer",
    role: "customer",
  },
]);

/** @type {import("../seed.mjs").SeedSection} */
export default {
  name: "users",
  table: "users",
  async sql() {
    const pepper = pepperFor({ local: true });
    const statements = [];
    for (const [index, user] of DEV_USERS.entries()) {
      // A second apart, admin first, so "newest first" lists are stable.
      const createdAt = new Date(Date.now() - (DEV_USERS.length - index) * 1000);
      statements.push(await upsertUserSql({ ...user, pepper, createdAt }));
    }
    return statements.join("");
  },
};
