import { createExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../../../src/app";
import { checkD1Limits, withD1Limits } from "../../helpers/d1-limits";
import { createAdmin, createUser, unique } from "../../helpers/factories";
import { BASE, json } from "../../helpers/http";
import { createProduct } from "../../helpers/products";

/** A request through the real app, on a D1 that enforces what deployed D1 enforces. */
function fetchOnD1Limits(path: string, token?: string) {
  const headers = token ? { Authorization: `Bearer ${token}` } : undefined;
  return createApp().fetch(
    new Request(`${BASE}${path}`, { headers }),
    { ...env, DB: withD1Limits(env.DB) },
    createExecutionContext(),
  );
}

describe("the D1 limits helper", () => {
  it("refuses what deployed D1 refuses: a LIKE pattern over 50 bytes", () => {
    expect(() => checkD1Limits("SELECT 1 WHERE 'a' LIKE ?", ["%".repeat(51)])).toThrow(/LIKE/);
    expect(() => checkD1Limits("SELECT 1 WHERE 'a' LIKE ?", ["%".repeat(50)])).not.toThrow();
  });
});

describe("search with a long q works under D1's 50-byte LIKE pattern limit", () => {
  // 100 characters (the most q accepts), 200 bytes in UTF-8.
  const longQ = (tag: string) => `${tag}${"é".repeat(100 - tag.length)}`;

  it("GET /products?q= finds a product whose name holds a 100-character q", async () => {
    const tag = unique("q").slice(0, 30);
    const q = longQ(tag);
    const product = await createProduct({ name: `Mug ${q} XL` });
    // ASCII case is ignored (SQLite folds ASCII only, as LIKE did).
    const shouted = `${tag.toUpperCase()}${q.slice(tag.length)}`;
    const res = await fetchOnD1Limits(`/api/v1/products?q=${encodeURIComponent(shouted)}`);
    expect(res.status).toBe(200);
    const body = await json<{ items: { id: string }[] }>(res);
    expect(body.items.map((item) => item.id)).toEqual([product.id]);
  });

  it("GET /users?q= (admin) finds a user by a 100-character name fragment", async () => {
    const admin = await createAdmin();
    const q = longQ(unique("n").slice(0, 30));
    const user = await createUser({ name: `Ada ${q}` });
    const res = await fetchOnD1Limits(`/api/v1/users?q=${encodeURIComponent(q)}`, admin.token);
    expect(res.status).toBe(200);
    const body = await json<{ items: { id: string }[] }>(res);
    expect(body.items.map((item) => item.id)).toEqual([user.id]);
  });

  it("q is literal: % and _ match only themselves", async () => {
    const tag = unique("lit");
    const product = await createProduct({ name: `${tag} 100%_off` });
    await createProduct({ name: `${tag} 100 percent off` });
    const res = await fetchOnD1Limits(`/api/v1/products?q=${encodeURIComponent(`${tag} 100%_`)}`);
    const body = await json<{ items: { id: string }[] }>(res);
    expect(body.items.map((item) => item.id)).toEqual([product.id]);
  });
});
