import { describe, expect, it } from "vitest";
import { createAdmin, createCustomer } from "../../helpers/factories";
import { api, json } from "../../helpers/http";

// API.md: "Sorting and filtering use allow-listed query parameters only; anything else in
// `sort` is a 422." Lists with a single order allow exactly that order.
describe("sort on lists with one order (newest first)", () => {
  it.each([
    ["/api/v1/users", "admin"],
    ["/api/v1/orders", "customer"],
    ["/api/v1/users/{self}/orders", "admin"],
  ] as const)(
    "%s: -created_at is accepted, anything else is a 422 naming sort",
    async (path, who) => {
      const user = who === "admin" ? await createAdmin() : await createCustomer();
      const url = path.replace("{self}", user.id);
      expect((await api(`${url}?sort=-created_at`, { token: user.token })).status).toBe(200);
      for (const sort of ["created_at", "name", "-id"]) {
        const res = await api(`${url}?sort=${sort}`, { token: user.token });
        expect(res.status, sort).toBe(422);
        const problem = await json<{ errors: { path: string }[] }>(res);
        expect(problem.errors.map((e) => e.path)).toEqual(["sort"]);
      }
    },
  );
});
