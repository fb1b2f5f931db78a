import { describe, expect, it } from "vitest";
import type { Problem } from "../../../src/http/problem";
import { createAdmin, createCustomer } from "../../helpers/factories";
import { api, json } from "../../helpers/http";
import { createProduct, newProductBody } from "../../helpers/products";

type Product = Record<string, unknown> & { id: string; version: number; stock: number };

describe("POST /api/v1/products", () => {
  it("creates a product for an admin: 201, Location, ETag and the full representation", async () => {
    const admin = await createAdmin();
    const body = newProductBody();
    const res = await api("/api/v1/products", { method: "POST", token: admin.token, body });
    expect(res.status).toBe(201);
    const product = await json<Product>(res);
    expect(res.headers.get("Location")).toBe(`/api/v1/products/${product.id}`);
    expect(res.headers.get("ETag")).toBe('"v1"');
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(product).toMatchObject({ ...body, version: 1 });
    expect(product.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

    const fetched = await api(`/api/v1/products/${product.id}`);
    expect(await fetched.json()).toEqual(product);
  });

  it("applies defaults for description and currency", async () => {
    const admin = await createAdmin();
    const { description: _d, currency: _c, ...body } = newProductBody();
    const res = await api("/api/v1/products", { method: "POST", token: admin.token, body });
    expect(res.status).toBe(201);
    expect(await json(res)).toMatchObject({ description: "", currency: "USD" });
  });

  it("refuses a duplicate sku with 409 sku_taken", async () => {
    const admin = await createAdmin();
    const existing = await createProduct();
    const res = await api("/api/v1/products", {
      method: "POST",
      token: admin.token,
      body: newProductBody({ sku: existing.sku }),
    });
    expect(res.status).toBe(409);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    expect(await json<Problem>(res)).toMatchObject({ code: "sku_taken", status: 409 });
  });

  it("401 without a token, with WWW-Authenticate", async () => {
    const res = await api("/api/v1/products", { method: "POST", body: newProductBody() });
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toMatch(/^Bearer/);
    expect(await json<Problem>(res)).toMatchObject({ code: "unauthenticated" });
  });

  it("401 for a garbage token", async () => {
    const res = await api("/api/v1/products", {
      method: "POST",
      token: "not.a.jwt",
      body: newProductBody(),
    });
    expect(res.status).toBe(401);
    expect(await json<Problem>(res)).toMatchObject({ code: "invalid_token" });
  });

  it("403 for a customer", async () => {
    const customer = await createCustomer();
    const res = await api("/api/v1/products", {
      method: "POST",
      token: customer.token,
      body: newProductBody(),
    });
    expect(res.status).toBe(403);
    expect(await json<Problem>(res)).toMatchObject({ code: "forbidden" });
  });

  it.each([
    ["unknown field", { version: 7 }, "version"],
    ["negative price", { price_cents: -1 }, "price_cents"],
    ["fractional price", { price_cents: 12.5 }, "price_cents"],
    ["negative stock", { stock: -3 }, "stock"],
    ["empty name", { name: "" }, "name"],
    ["name too long", { name: "x".repeat(201) }, "name"],
    ["description too long", { description: "x".repeat(2001) }, "description"],
    ["bad currency", { currency: "usd" }, "currency"],
    ["price as string", { price_cents: "12" }, "price_cents"],
  ])("422 for %s", async (_label, override, path) => {
    const admin = await createAdmin();
    const res = await api("/api/v1/products", {
      method: "POST",
      token: admin.token,
      body: newProductBody(override),
    });
    expect(res.status).toBe(422);
    const problem = await json<Problem>(res);
    expect(problem.code).toBe("validation_failed");
    expect(problem.errors?.map((e) => e.path)).toContain(path);
  });

  it("422 for a missing required field", async () => {
    const admin = await createAdmin();
    const { sku: _sku, ...body } = newProductBody();
    const res = await api("/api/v1/products", { method: "POST", token: admin.token, body });
    expect(res.status).toBe(422);
    expect((await json<Problem>(res)).errors?.map((e) => e.path)).toContain("sku");
  });

  it("400 for malformed JSON and 415 for another content type", async () => {
    const admin = await createAdmin();
    const malformed = await api("/api/v1/products", {
      method: "POST",
      token: admin.token,
      body: "{not json",
    });
    expect(malformed.status).toBe(400);
    expect(await json<Problem>(malformed)).toMatchObject({ code: "malformed_json" });

    const text = await api("/api/v1/products", {
      method: "POST",
      token: admin.token,
      body: "sku=x",
      headers: { "Content-Type": "text/plain" },
    });
    expect(text.status).toBe(415);
    expect(await json<Problem>(text)).toMatchObject({ code: "unsupported_media_type" });
  });
});

describe("PUT and PATCH /api/v1/products/{id}", () => {
  it("PUT replaces every field and bumps the version and ETag", async () => {
    const admin = await createAdmin();
    const product = await createProduct();
    const body = newProductBody({ name: "Replaced", stock: 0 });
    const res = await api(`/api/v1/products/${product.id}`, {
      method: "PUT",
      token: admin.token,
      body,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("ETag")).toBe('"v2"');
    expect(await json(res)).toMatchObject({ ...body, id: product.id, version: 2 });
  });

  it("PUT without every field is 422 (a replacement is complete)", async () => {
    const admin = await createAdmin();
    const product = await createProduct();
    const res = await api(`/api/v1/products/${product.id}`, {
      method: "PUT",
      token: admin.token,
      body: { name: "Only a name" },
    });
    expect(res.status).toBe(422);
  });

  it("PATCH changes only the given fields", async () => {
    const admin = await createAdmin();
    const product = await createProduct({ priceCents: 500, stock: 3 });
    const res = await api(`/api/v1/products/${product.id}`, {
      method: "PATCH",
      token: admin.token,
      body: { price_cents: 450 },
    });
    expect(res.status).toBe(200);
    expect(await json(res)).toMatchObject({
      price_cents: 450,
      stock: 3,
      name: product.name,
      version: 2,
    });
  });

  it("PATCH with a matching If-Match succeeds; a stale one is 412 and changes nothing", async () => {
    const admin = await createAdmin();
    const product = await createProduct({ stock: 3 });
    const ok = await api(`/api/v1/products/${product.id}`, {
      method: "PATCH",
      token: admin.token,
      body: { stock: 4 },
      headers: { "If-Match": '"v1"' },
    });
    expect(ok.status).toBe(200);

    const stale = await api(`/api/v1/products/${product.id}`, {
      method: "PATCH",
      token: admin.token,
      body: { stock: 99 },
      headers: { "If-Match": '"v1"' },
    });
    expect(stale.status).toBe(412);
    expect(await json<Problem>(stale)).toMatchObject({ code: "precondition_failed" });
    const current = await json<Product>(await api(`/api/v1/products/${product.id}`));
    expect(current.stock).toBe(4);
  });

  it("PUT with a stale or weak If-Match is 412; * matches", async () => {
    const admin = await createAdmin();
    const product = await createProduct();
    const body = newProductBody();
    for (const tag of ['"v7"', 'W/"v1"', "garbage"]) {
      const res = await api(`/api/v1/products/${product.id}`, {
        method: "PUT",
        token: admin.token,
        body,
        headers: { "If-Match": tag },
      });
      expect(res.status, tag).toBe(412);
    }
    const any = await api(`/api/v1/products/${product.id}`, {
      method: "PUT",
      token: admin.token,
      body,
      headers: { "If-Match": "*" },
    });
    expect(any.status).toBe(200);
  });

  it("PATCH to another product's sku is 409; an empty patch is 422", async () => {
    const admin = await createAdmin();
    const [a, b] = [await createProduct(), await createProduct()];
    const taken = await api(`/api/v1/products/${a.id}`, {
      method: "PATCH",
      token: admin.token,
      body: { sku: b.sku },
    });
    expect(taken.status).toBe(409);
    expect(await json<Problem>(taken)).toMatchObject({ code: "sku_taken" });

    const empty = await api(`/api/v1/products/${a.id}`, {
      method: "PATCH",
      token: admin.token,
      body: {},
    });
    expect(empty.status).toBe(422);
  });

  it("PATCH cannot set a negative stock, an unknown field or the version", async () => {
    const admin = await createAdmin();
    const product = await createProduct();
    for (const body of [
      { stock: -1 },
      { version: 9 },
      { archived_at: "2026-01-01T00:00:00.000Z" },
    ]) {
      const res = await api(`/api/v1/products/${product.id}`, {
        method: "PATCH",
        token: admin.token,
        body,
      });
      expect(res.status, JSON.stringify(body)).toBe(422);
    }
  });

  it("404 for an unknown product, 422 for a malformed id, 403 for a customer", async () => {
    const admin = await createAdmin();
    const customer = await createCustomer();
    const product = await createProduct();
    const missing = await api("/api/v1/products/0190b5c2-7a1e-7cc3-9f4a-5d2b6c1e8a90", {
      method: "PATCH",
      token: admin.token,
      body: { stock: 1 },
    });
    expect(missing.status).toBe(404);
    expect(await json<Problem>(missing)).toMatchObject({ code: "product_not_found" });

    const malformed = await api("/api/v1/products/not-a-uuid", {
      method: "PATCH",
      token: admin.token,
      body: { stock: 1 },
    });
    expect(malformed.status).toBe(422);
    expect((await json<Problem>(malformed)).errors?.[0]?.path).toBe("product_id");

    const forbidden = await api(`/api/v1/products/${product.id}`, {
      method: "PUT",
      token: customer.token,
      body: newProductBody(),
    });
    expect(forbidden.status).toBe(403);
  });
});

describe("DELETE /api/v1/products/{id}", () => {
  it("deletes a product no order references: 204, then 404", async () => {
    const admin = await createAdmin();
    const product = await createProduct();
    const res = await api(`/api/v1/products/${product.id}`, {
      method: "DELETE",
      token: admin.token,
    });
    expect(res.status).toBe(204);
    expect((await api(`/api/v1/products/${product.id}`)).status).toBe(404);
    const again = await api(`/api/v1/products/${product.id}`, {
      method: "DELETE",
      token: admin.token,
    });
    expect(again.status).toBe(404);
  });

  it("401 anonymous, 403 customer, 422 malformed id", async () => {
    const customer = await createCustomer();
    const product = await createProduct();
    expect((await api(`/api/v1/products/${product.id}`, { method: "DELETE" })).status).toBe(401);
    expect(
      (await api(`/api/v1/products/${product.id}`, { method: "DELETE", token: customer.token }))
        .status,
    ).toBe(403);
    const admin = await createAdmin();
    expect(
      (await api("/api/v1/products/123", { method: "DELETE", token: admin.token })).status,
    ).toBe(422);
  });
});
