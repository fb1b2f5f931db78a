import { env } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { D1OrdersRepository } from "../../../src/domains/orders/orders.repository";
import { decodeCursor, encodeCursor } from "../../../src/lib/cursor";
import { createAdmin, createCustomer, type TestUser } from "../../helpers/factories";
import { api, json } from "../../helpers/http";
import { type OrderBody, type OrderPage, type Problem, placed } from "../../helpers/orders";
import { createProduct } from "../../helpers/products";
import { type RecordedQuery, recordingD1, rowsRead } from "../../helpers/query-cost";

/** A customer with `count` orders of one line each, oldest first. */
async function customerWithOrders(count: number) {
  const customer = await createCustomer();
  const product = await createProduct({ stock: 1000 });
  const orders: OrderBody[] = [];
  for (let i = 0; i < count; i += 1) {
    orders.push(await placed(customer.token, [{ product_id: product.id, quantity: i + 1 }]));
  }
  return { customer, product, orders };
}

async function list(token: string, query = "") {
  return api(`/api/v1/orders${query}`, { token });
}

/** Follows next_cursor to the end and returns every id, checking each page's Link header. */
async function allIds(token: string, path: string, limit: number): Promise<string[]> {
  const ids: string[] = [];
  let url = `${path}${path.includes("?") ? "&" : "?"}limit=${limit}`;
  for (let pages = 0; pages < 50; pages += 1) {
    const res = await api(url, { token });
    expect(res.status).toBe(200);
    const page = await json<OrderPage>(res);
    expect(page.items.length).toBeLessThanOrEqual(limit);
    ids.push(...page.items.map((order) => order.id));
    if (!page.next_cursor) {
      expect(res.headers.get("Link")).toBeNull();
      return ids;
    }
    const link = res.headers.get("Link") ?? "";
    expect(link).toMatch(/rel="next"$/);
    url = (/^<([^>]+)>/.exec(link) as RegExpExecArray)[1] as string;
    expect(new URL(url, "http://localhost").searchParams.get("cursor")).toBe(page.next_cursor);
  }
  throw new Error("too many pages");
}

describe("GET /api/v1/orders/{order_id}", () => {
  it("the owner and admins see the order; anyone else gets 404", async () => {
    const { customer, orders } = await customerWithOrders(1);
    const order = orders[0] as OrderBody;
    const admin = await createAdmin();
    const stranger = await createCustomer();

    const own = await api(`/api/v1/orders/${order.id}`, { token: customer.token });
    expect(own.status).toBe(200);
    expect(own.headers.get("Cache-Control")).toBe("no-store");
    expect(await own.json()).toEqual(order);
    expect(await (await api(`/api/v1/orders/${order.id}`, { token: admin.token })).json()).toEqual(
      order,
    );

    const other = await api(`/api/v1/orders/${order.id}`, { token: stranger.token });
    expect(other.status).toBe(404);
    const unknown = await api("/api/v1/orders/0190b5c2-0000-7000-8000-000000000000", {
      token: customer.token,
    });
    expect(unknown.status).toBe(404);
    // Someone else's order and a missing one are indistinguishable, apart from the id.
    const otherProblem = await json<Problem>(other);
    const unknownProblem = await json<Problem>(unknown);
    expect(otherProblem.code).toBe("order_not_found");
    expect(unknownProblem.code).toBe("order_not_found");
  });

  it("a malformed id is 422, no token 401", async () => {
    const customer = await createCustomer();
    const malformed = await api("/api/v1/orders/not-a-uuid", { token: customer.token });
    expect(malformed.status).toBe(422);
    expect(await json<Problem>(malformed)).toMatchObject({
      errors: [{ path: "order_id" }],
    });
    expect((await api("/api/v1/orders/0190b5c2-0000-7000-8000-000000000000")).status).toBe(401);
  });
});

describe("GET /api/v1/orders", () => {
  it("lists the caller's own orders, newest first, with their lines", async () => {
    const { customer, orders } = await customerWithOrders(3);
    await customerWithOrders(2); // someone else's
    const res = await list(customer.token);
    expect(res.status).toBe(200);
    const page = await json<OrderPage>(res);
    expect(page.items).toEqual([...orders].reverse());
    expect(page.next_cursor).toBeNull();
  });

  it("pages with next_cursor and Link, each order exactly once", async () => {
    const { customer, orders } = await customerWithOrders(7);
    const ids = await allIds(customer.token, "/api/v1/orders", 3);
    expect(ids).toEqual(orders.map((order) => order.id).reverse());
  });

  it("orders placed in the same millisecond still page by id", async () => {
    const customer = await createCustomer();
    const product = await createProduct({ stock: 100 });
    const created = await Promise.all(
      Array.from({ length: 6 }, () =>
        placed(customer.token, [{ product_id: product.id, quantity: 1 }]),
      ),
    );
    const ids = await allIds(customer.token, "/api/v1/orders", 2);
    const expected = [...created]
      .sort((a, b) =>
        a.created_at === b.created_at
          ? a.id < b.id
            ? 1
            : -1
          : a.created_at < b.created_at
            ? 1
            : -1,
      )
      .map((order) => order.id);
    expect(ids).toEqual(expected);
  });

  it("filters by status", async () => {
    const { customer, orders } = await customerWithOrders(3);
    const cancelled = orders[1] as OrderBody;
    const cancel = await api(`/api/v1/orders/${cancelled.id}/cancel`, {
      method: "POST",
      token: customer.token,
    });
    expect(cancel.status).toBe(200);
    const onlyCancelled = await json<OrderPage>(await list(customer.token, "?status=cancelled"));
    expect(onlyCancelled.items.map((order) => order.id)).toEqual([cancelled.id]);
    const onlyPlaced = await json<OrderPage>(await list(customer.token, "?status=placed"));
    expect(onlyPlaced.items.map((order) => order.id)).toEqual([orders[2]?.id, orders[0]?.id]);
    const none = await json<OrderPage>(await list(customer.token, "?status=fulfilled"));
    expect(none.items).toEqual([]);
  });

  it("a customer passing another user's id is 403; their own id is fine", async () => {
    const { customer, orders } = await customerWithOrders(1);
    const { customer: other } = await customerWithOrders(1);
    const forbidden = await list(customer.token, `?user_id=${other.id}`);
    expect(forbidden.status).toBe(403);
    expect(await json<Problem>(forbidden)).toMatchObject({ code: "forbidden" });
    const own = await json<OrderPage>(await list(customer.token, `?user_id=${customer.id}`));
    expect(own.items.map((order) => order.id)).toEqual([orders[0]?.id]);
  });

  it("admins see every order and may filter by user_id and status", async () => {
    const admin = await createAdmin();
    const first = await customerWithOrders(2);
    const second = await customerWithOrders(1);
    const everything = await json<OrderPage>(await list(admin.token, "?limit=100"));
    const ids = everything.items.map((order) => order.id);
    for (const order of [...first.orders, ...second.orders]) expect(ids).toContain(order.id);
    expect(ids.indexOf(second.orders[0]?.id as string)).toBeLessThan(
      ids.indexOf(first.orders[1]?.id as string),
    );

    const filtered = await json<OrderPage>(
      await list(admin.token, `?user_id=${first.customer.id}`),
    );
    expect(filtered.items.map((order) => order.id)).toEqual(
      first.orders.map((order) => order.id).reverse(),
    );
    const placedOnly = await json<OrderPage>(
      await list(admin.token, `?user_id=${second.customer.id}&status=placed`),
    );
    expect(placedOnly.items).toHaveLength(1);
  });

  it.each([
    ["?status=shipped", "status"],
    ["?limit=0", "limit"],
    ["?limit=101", "limit"],
    ["?user_id=42", "user_id"],
    ["?cursor=garbage", "cursor"],
  ])("%s is 422", async (query, path) => {
    const customer = await createCustomer();
    const res = await list(customer.token, query);
    expect(res.status).toBe(422);
    expect((await json<Problem>(res)).errors?.map((error) => error.path)).toContain(path);
  });

  it("401 without a token", async () => {
    expect((await api("/api/v1/orders")).status).toBe(401);
  });
});

describe("GET /api/v1/users/{user_id}/orders", () => {
  it("gives admins that user's orders, newest first, paged", async () => {
    const admin = await createAdmin();
    const { customer, orders } = await customerWithOrders(3);
    await customerWithOrders(1);
    const ids = await allIds(admin.token, `/api/v1/users/${customer.id}/orders`, 2);
    expect(ids).toEqual(orders.map((order) => order.id).reverse());
    const res = await api(`/api/v1/users/${customer.id}/orders?status=placed`, {
      token: admin.token,
    });
    expect(res.status).toBe(200);
    expect((await json<OrderPage>(res)).items[0]).toEqual(orders[2]);
  });

  it("an unknown user is 404 user_not_found; a user without orders an empty page", async () => {
    const admin = await createAdmin();
    const unknown = await api("/api/v1/users/0190b5c2-0000-7000-8000-000000000000/orders", {
      token: admin.token,
    });
    expect(unknown.status).toBe(404);
    expect(await json<Problem>(unknown)).toMatchObject({ code: "user_not_found" });
    const customer = await createCustomer();
    const empty = await api(`/api/v1/users/${customer.id}/orders`, { token: admin.token });
    expect(await empty.json()).toEqual({ items: [], next_cursor: null });
  });

  it("customers get 403, even for themselves; no token 401; a malformed id 422", async () => {
    const customer = await createCustomer();
    const own = await api(`/api/v1/users/${customer.id}/orders`, { token: customer.token });
    expect(own.status).toBe(403);
    expect((await api(`/api/v1/users/${customer.id}/orders`)).status).toBe(401);
    const admin = await createAdmin();
    expect((await api("/api/v1/users/nope/orders", { token: admin.token })).status).toBe(422);
  });
});

describe("a full page", () => {
  it("100 orders with their lines load in one page (the lines query binds 100 ids)", async () => {
    const admin = await createAdmin();
    const customer = await createCustomer();
    const product = await createProduct();
    const base = Date.parse("2026-01-01T00:00:00.000Z");
    const statements = Array.from({ length: 101 }, (_, i) => {
      const id = `0190b5c2-0000-7000-8000-${String(i).padStart(12, "0")}`;
      const at = new Date(base + i * 1000).toISOString();
      return [
        env.DB.prepare(
          "INSERT INTO orders VALUES (?, ?, 'placed', 1000, 0, 1000, 'USD', ?, ?)",
        ).bind(id, customer.id, at, at),
        env.DB.prepare("INSERT INTO order_items VALUES (?, ?, 0, ?, ?, 1000, 1, 1000)").bind(
          id,
          product.id,
          product.sku,
          product.name,
        ),
      ];
    });
    await env.DB.batch(statements.flat());
    const res = await api(`/api/v1/users/${customer.id}/orders?limit=100`, { token: admin.token });
    expect(res.status).toBe(200);
    const page = await json<OrderPage>(res);
    expect(page.items).toHaveLength(100);
    expect(page.items.every((order) => order.items.length === 1)).toBe(true);
    expect(page.items[0]?.id).toBe("0190b5c2-0000-7000-8000-000000000100");
    expect(page.next_cursor).not.toBeNull();
  });
});

describe("listing cost", () => {
  /** Runs one page through the real repository and reports the rows D1 read for it. */
  async function pageCost(
    filter: { userId?: string; status?: "placed" | "cancelled" },
    limit: number,
    cursor?: string,
  ) {
    // The page comes in one batch with its lines (Drizzle's logger does not see batches):
    // the statements are recorded as the binding prepares them; the first is the page's query.
    const { d1: recording, queries } = recordingD1();
    const rows = await new D1OrdersRepository(drizzle(recording)).listWithLines(filter, {
      limit,
      cursor: decodeCursor(cursor, "-created_at"),
    });
    return { rows, read: await rowsRead(queries[0] as RecordedQuery) };
  }

  it("every page reads at most limit + 1 rows, with or without user and status filters", async () => {
    const busy: TestUser[] = [];
    for (let i = 0; i < 2; i += 1) {
      const { customer, orders } = await customerWithOrders(8);
      busy.push(customer);
      // Half of them cancelled, interleaved, so a status filter has rows to skip.
      for (const order of orders.filter((_, index) => index % 2 === 0)) {
        await api(`/api/v1/orders/${order.id}/cancel`, { method: "POST", token: customer.token });
      }
    }
    const userId = busy[0]?.id as string;
    const limit = 3;
    for (const filter of [
      {},
      { userId },
      { status: "placed" as const },
      { userId, status: "cancelled" as const },
    ]) {
      const first = await pageCost(filter, limit);
      expect(first.read, JSON.stringify(filter)).toBeLessThanOrEqual(limit + 1);
      const last = first.rows.at(-1);
      const cursor = last
        ? encodeCursor("-created_at", { value: last.createdAt, id: last.id })
        : undefined;
      const second = await pageCost(filter, limit, cursor);
      expect(second.read, `${JSON.stringify(filter)} page 2`).toBeLessThanOrEqual(limit + 1);
    }
  });
});
