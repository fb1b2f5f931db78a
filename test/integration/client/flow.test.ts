import { exports } from "cloudflare:workers";
import {
  BOOKMARK_HEADER,
  createEdgeStoreClient,
  idempotencyHeader,
  isReplayed,
} from "@edge-store/client";
import { expect, it } from "vitest";
import { createUser, unique, uniqueIp } from "../../helpers/factories";
import { BASE } from "../../helpers/http";

/** The client's fetch bound to this Worker (real routing, middleware and D1); records requests. */
const sent: Request[] = [];
const worker = (request: Request) => {
  sent.push(request);
  return exports.default.fetch(request);
};

it("a customer registers, logs in, finds a product, orders it idempotently and cancels", async () => {
  // An admin stocks the catalog through the client too.
  const admin = await createUser({ role: "admin" });
  const adminClient = createEdgeStoreClient({
    baseUrl: BASE,
    fetch: worker,
    getToken: () => admin.token,
  });
  const name = unique("Client mug");
  const created = await adminClient.POST("/api/v1/products", {
    body: { sku: unique("CLIENT").toUpperCase(), name, price_cents: 1250, stock: 5 },
  });
  expect(created.response.status).toBe(201);
  expect(created.data?.currency).toBe("USD");

  let accessToken: string | undefined;
  const client = createEdgeStoreClient({
    baseUrl: BASE,
    fetch: worker,
    getToken: () => accessToken,
  });

  const email = `${unique("client")}@example.com`;
  const password = "correct horse battery staple";
  const registered = await client.POST("/api/v1/auth/register", {
    body: { email, password, name: "Client User" },
  });
  expect(registered.response.status).toBe(201);
  expect(registered.data?.email).toBe(email);

  const login = await client.POST("/api/v1/auth/login", {
    body: { email, password },
    headers: { "CF-Connecting-IP": uniqueIp() },
  });
  expect(login.data?.token_type).toBe("bearer");
  accessToken = login.data?.access_token;

  const me = await client.GET("/api/v1/users/me");
  expect(me.data?.id).toBe(registered.data?.id);

  const page = await client.GET("/api/v1/products", { params: { query: { q: name } } });
  expect(page.data?.items.map((product) => product.name)).toEqual([name]);
  const product = page.data?.items[0];
  if (!product) throw new Error("the product is not listed");

  // One key for the operation, reused by the retry: the API answers it with the first order.
  const header = idempotencyHeader();
  const order = () =>
    client.POST("/api/v1/orders", {
      params: { header },
      body: { items: [{ product_id: product.id, quantity: 2 }] },
    });
  const placed = await order();
  expect(placed.response.status).toBe(201);
  expect(placed.data).toMatchObject({ status: "placed", total_cents: 2500 });
  expect(isReplayed(placed.response)).toBe(false);
  // The write's bookmark is kept and sent with the next request: read-your-writes.
  const bookmark = placed.response.headers.get(BOOKMARK_HEADER);
  expect(bookmark).toBeTruthy();
  expect(client.bookmark()).toBe(bookmark);
  const retried = await order();
  expect(sent.at(-1)?.headers.get(BOOKMARK_HEADER)).toBe(bookmark);
  expect(isReplayed(retried.response)).toBe(true);
  expect(retried.data?.id).toBe(placed.data?.id);

  const orderId = placed.data?.id ?? "";
  const cancelled = await client.POST("/api/v1/orders/{order_id}/cancel", {
    params: { path: { order_id: orderId } },
  });
  expect(cancelled.data?.status).toBe("cancelled");

  const again = await client.POST("/api/v1/orders/{order_id}/cancel", {
    params: { path: { order_id: orderId } },
  });
  expect(again.response.status).toBe(409);
  expect(again.error?.code).toBe("invalid_order_state");

  const restocked = await client.GET("/api/v1/products/{product_id}", {
    params: { path: { product_id: product.id } },
  });
  expect(restocked.data?.stock).toBe(5);
});
