import { createScheduledController } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../../src/index";
import { createCustomer, type TestUser, unique } from "../../helpers/factories";
import { json } from "../../helpers/http";
import { type OrderBody, type Problem, placeOrder, rowCounts, stockOf } from "../../helpers/orders";
import { createProduct } from "../../helpers/products";

async function keyRow(userId: string, key: string) {
  return env.DB.prepare("SELECT * FROM idempotency_keys WHERE user_id = ? AND key = ?")
    .bind(userId, key)
    .first<{ state: string; expires_at: string; created_at: string; response_status: number }>();
}

/** Writes a key record as another request would have left it. */
async function insertKey(
  user: TestUser,
  key: string,
  values: { state: "in_flight" | "completed"; fingerprint: string; expiresAt: Date },
) {
  await env.DB.prepare(
    "INSERT INTO idempotency_keys (user_id, key, fingerprint, state, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
  )
    .bind(
      user.id,
      key,
      values.fingerprint,
      values.state,
      new Date().toISOString(),
      values.expiresAt.toISOString(),
    )
    .run();
}

const inAMinute = () => new Date(Date.now() + 60_000);

describe("Idempotency-Key on POST /api/v1/orders", () => {
  it("a retry with the same key and body replays the first response; one order, stock taken once", async () => {
    const customer = await createCustomer();
    const product = await createProduct({ stock: 5 });
    const key = unique("key");
    const lines = [{ product_id: product.id, quantity: 2 }];

    const first = await placeOrder(customer.token, lines, key);
    expect(first.status).toBe(201);
    const firstBody = await first.text();
    expect(first.headers.get("Idempotent-Replayed")).toBeNull();
    const row = await keyRow(customer.id, key);
    expect(row).toMatchObject({ state: "completed", response_status: 201 });
    const ttl = Date.parse(row?.expires_at ?? "") - Date.parse(row?.created_at ?? "");
    expect(Math.round(ttl / 3_600_000)).toBe(24);

    const retry = await placeOrder(customer.token, lines, key);
    expect(retry.status).toBe(201);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(retry.headers.get("Location")).toBe(first.headers.get("Location"));
    expect(retry.headers.get("Content-Type")).toMatch(/^application\/json/);
    expect(retry.headers.get("Cache-Control")).toBe("no-store");
    expect(await retry.text()).toBe(firstBody);

    const counts = await rowCounts({ userId: customer.id, productIds: [product.id] });
    expect(counts).toMatchObject({ orders: 1, items: 1, mail: 1, stock: [3] });
  });

  it("the fingerprint ignores key order and whitespace in the body", async () => {
    const customer = await createCustomer();
    const product = await createProduct();
    const key = unique("key");
    const first = await placeOrder(customer.token, [{ product_id: product.id, quantity: 1 }], key);
    expect(first.status).toBe(201);
    const reordered = await exports.default.fetch(
      new Request("http://localhost/api/v1/orders", {
        method: "POST",
        headers: {
          Authorization: `Bearer ${customer.token}`,
          "Content-Type": "application/json",
          "Idempotency-Key": key,
        },
        body: `{ "items": [ { "quantity": 1, "product_id": "${product.id}" } ] }`,
      }),
    );
    expect(reordered.status).toBe(201);
    expect(reordered.headers.get("Idempotent-Replayed")).toBe("true");
  });

  it("the same key with another body is 422 idempotency_key_mismatch", async () => {
    const customer = await createCustomer();
    const product = await createProduct({ stock: 5 });
    const key = unique("key");
    expect(
      (await placeOrder(customer.token, [{ product_id: product.id, quantity: 1 }], key)).status,
    ).toBe(201);
    const other = await placeOrder(customer.token, [{ product_id: product.id, quantity: 2 }], key);
    expect(other.status).toBe(422);
    expect(await json<Problem>(other)).toMatchObject({
      code: "idempotency_key_mismatch",
      errors: [{ path: "Idempotency-Key", code: "idempotency_key_mismatch" }],
    });
    expect(await stockOf(product.id)).toBe(4);
  });

  it("a duplicate while the first is in flight is 409 idempotency_key_in_flight", async () => {
    const customer = await createCustomer();
    const product = await createProduct({ stock: 5 });
    const key = unique("key");
    const lines = [{ product_id: product.id, quantity: 1 }];
    // The first request: claimed, not finished (same body, so the same fingerprint).
    const probe = await placeOrder(customer.token, lines, key);
    expect(probe.status).toBe(201);
    await env.DB.prepare(
      "UPDATE idempotency_keys SET state = 'in_flight', response_status = NULL, response_body = NULL, expires_at = ? WHERE user_id = ? AND key = ?",
    )
      .bind(inAMinute().toISOString(), customer.id, key)
      .run();

    const duplicate = await placeOrder(customer.token, lines, key);
    expect(duplicate.status).toBe(409);
    expect(await json<Problem>(duplicate)).toMatchObject({ code: "idempotency_key_in_flight" });
    expect(await stockOf(product.id)).toBe(4);
  });

  it("a claim abandoned past its lease is taken over by the retry", async () => {
    const customer = await createCustomer();
    const product = await createProduct({ stock: 5 });
    const key = unique("key");
    await insertKey(customer, key, {
      state: "in_flight",
      fingerprint: "whatever the dead request had",
      expiresAt: new Date(Date.now() - 1000),
    });
    const res = await placeOrder(customer.token, [{ product_id: product.id, quantity: 1 }], key);
    expect(res.status).toBe(201);
    expect(await keyRow(customer.id, key)).toMatchObject({ state: "completed" });
  });

  it("an expired record is forgotten: the key works as new, even with another body", async () => {
    const customer = await createCustomer();
    const product = await createProduct({ stock: 5 });
    const key = unique("key");
    await insertKey(customer, key, {
      state: "completed",
      fingerprint: "an old request",
      expiresAt: new Date(Date.now() - 1000),
    });
    const res = await placeOrder(customer.token, [{ product_id: product.id, quantity: 1 }], key);
    expect(res.status).toBe(201);
    expect(res.headers.get("Idempotent-Replayed")).toBeNull();
  });

  it("a refusal is stored and replayed too, even once stock is back", async () => {
    const customer = await createCustomer();
    const product = await createProduct({ name: "Rare vase", stock: 1 });
    const key = unique("key");
    const lines = [{ product_id: product.id, quantity: 2 }];
    const first = await placeOrder(customer.token, lines, key);
    expect(first.status).toBe(409);
    const firstBody = await first.text();
    await env.DB.prepare("UPDATE products SET stock = 10 WHERE id = ?").bind(product.id).run();

    const retry = await placeOrder(customer.token, lines, key);
    expect(retry.status).toBe(409);
    expect(retry.headers.get("Idempotent-Replayed")).toBe("true");
    expect(retry.headers.get("Content-Type")).toBe("application/problem+json");
    expect(await retry.text()).toBe(firstBody);
    expect(await stockOf(product.id)).toBe(10);
    // A new key is a new request.
    expect((await placeOrder(customer.token, lines, unique("key"))).status).toBe(201);
  });

  it("keys belong to a user: the same key from someone else is a new request", async () => {
    const alice = await createCustomer();
    const bob = await createCustomer();
    const product = await createProduct({ stock: 5 });
    const key = unique("key");
    const lines = [{ product_id: product.id, quantity: 1 }];
    const a = await json<OrderBody>(await placeOrder(alice.token, lines, key));
    const bobRes = await placeOrder(bob.token, lines, key);
    expect(bobRes.status).toBe(201);
    expect(bobRes.headers.get("Idempotent-Replayed")).toBeNull();
    expect((await json<OrderBody>(bobRes)).id).not.toBe(a.id);
    expect(await stockOf(product.id)).toBe(3);
  });

  it.each([
    ["empty", ""],
    ["over 255 characters", "k".repeat(256)],
  ])("a key that is %s is 422 naming Idempotency-Key", async (_name, key) => {
    const customer = await createCustomer();
    const product = await createProduct();
    const res = await placeOrder(customer.token, [{ product_id: product.id, quantity: 1 }], key);
    expect(res.status).toBe(422);
    expect(await json<Problem>(res)).toMatchObject({
      code: "validation_failed",
      errors: [{ path: "Idempotency-Key" }],
    });
    expect(await stockOf(product.id)).toBe(10);
  });

  it("a 255-character key is fine", async () => {
    const customer = await createCustomer();
    const product = await createProduct();
    const key = "k".repeat(255);
    const res = await placeOrder(customer.token, [{ product_id: product.id, quantity: 1 }], key);
    expect(res.status).toBe(201);
  });
});

describe("the idempotency purge (cron)", () => {
  it("deletes expired records and abandoned claims, keeps live ones", async () => {
    const customer = await createCustomer();
    const past = new Date(Date.now() - 1000);
    await insertKey(customer, "expired", { state: "completed", fingerprint: "f", expiresAt: past });
    await insertKey(customer, "abandoned", {
      state: "in_flight",
      fingerprint: "f",
      expiresAt: past,
    });
    await insertKey(customer, "live", {
      state: "completed",
      fingerprint: "f",
      expiresAt: inAMinute(),
    });

    await worker.scheduled(createScheduledController({ cron: "*/5 * * * *" }), env);

    expect(await keyRow(customer.id, "expired")).toBeNull();
    expect(await keyRow(customer.id, "abandoned")).toBeNull();
    expect(await keyRow(customer.id, "live")).not.toBeNull();
  });
});
