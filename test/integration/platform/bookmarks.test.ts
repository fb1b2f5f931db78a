import { describe, expect, it } from "vitest";
import { createAdmin } from "../../helpers/factories";
import { api, json } from "../../helpers/http";
import { createProduct } from "../../helpers/products";
import { countedRequest } from "../../helpers/round-trips";

const BOOKMARK = /^[0-9a-f]+(?:-[0-9a-f]+)+$/;

function patchPrice(token: string, id: string, price: number) {
  return api(`/api/v1/products/${id}`, {
    method: "PATCH",
    token,
    body: { price_cents: price },
  });
}

describe("X-D1-Bookmark", () => {
  it("is on a response that read from D1, and on one that wrote", async () => {
    const admin = await createAdmin();
    const product = await createProduct();
    const read = await api(`/api/v1/products/${product.id}`);
    expect(read.headers.get("X-D1-Bookmark")).toMatch(BOOKMARK);
    const write = await patchPrice(admin.token, product.id, 990);
    expect(write.status).toBe(200);
    expect(write.headers.get("X-D1-Bookmark")).toMatch(BOOKMARK);
  });

  it("starts reads on any copy, writes on the primary", async () => {
    const admin = await createAdmin();
    const product = await createProduct();
    const read = await countedRequest(`/api/v1/products/${product.id}`);
    expect(read.log.sessions).toEqual(["first-unconstrained"]);
    const write = await countedRequest(`/api/v1/products/${product.id}`, {
      method: "PATCH",
      token: admin.token,
      body: { name: "Renamed" },
    });
    expect(write.response.status).toBe(200);
    expect(write.log.sessions).toEqual(["first-primary"]);
  });

  it("starts a read from the client's bookmark, and answers with one at least as recent", async () => {
    const product = await createProduct();
    const first = await api(`/api/v1/products/${product.id}`);
    const bookmark = first.headers.get("X-D1-Bookmark") ?? "";
    const next = await countedRequest(`/api/v1/products/${product.id}`, {
      headers: { "X-D1-Bookmark": bookmark },
    });
    expect(next.response.status).toBe(200);
    expect(next.log.sessions).toEqual([bookmark]);
    const returned = next.response.headers.get("X-D1-Bookmark") ?? "";
    expect(returned.localeCompare(bookmark)).toBeGreaterThanOrEqual(0);
  });

  it("gives read-your-writes: a read with the write's bookmark sees the write", async () => {
    const admin = await createAdmin();
    const product = await createProduct({ priceCents: 1000 });
    const write = await patchPrice(admin.token, product.id, 1234);
    const bookmark = write.headers.get("X-D1-Bookmark") ?? "";
    const read = await api(`/api/v1/products/${product.id}`, {
      headers: { "X-D1-Bookmark": bookmark },
    });
    expect(read.status).toBe(200);
    expect((await json<{ price_cents: number }>(read)).price_cents).toBe(1234);
  });

  it.each([
    ["not hex", "not-a-bookmark"],
    ["spaces", "0000 0001"],
    ["markup", "<script>"],
    ["a constraint name", "first-primary"],
    ["too long", `${"a".repeat(64)}-`.repeat(8)],
    ["empty", ""],
  ])("ignores a malformed bookmark (%s): the request succeeds from any copy", async (_l, value) => {
    const product = await createProduct();
    const { response, log } = await countedRequest(`/api/v1/products/${product.id}`, {
      headers: { "X-D1-Bookmark": value },
    });
    expect(response.status).toBe(200);
    expect(log.sessions).toEqual(["first-unconstrained"]);
    expect(response.headers.get("X-D1-Bookmark")).toMatch(BOOKMARK);
  });
});
