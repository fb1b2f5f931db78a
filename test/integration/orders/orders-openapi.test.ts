import { OpenAPIHono } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { ordersRoutes } from "../../../src/domains/orders/orders.routes";
import { API_PREFIX } from "../../../src/http/openapi";

type Json = Record<string, unknown>;

/** The orders operations as the OpenAPI document describes them. */
function ordersDocument() {
  const app = new OpenAPIHono();
  app.route(API_PREFIX, ordersRoutes);
  return app.getOpenAPI31Document({ openapi: "3.1.0", info: { title: "Orders", version: "1" } });
}

function operation(path: string, method: "get" | "post"): Json {
  const paths = ordersDocument().paths as Record<string, Record<string, Json>>;
  const found = paths[path]?.[method];
  if (!found) throw new Error(`no ${method} ${path}`);
  return found;
}

/** The codes each error status documents (its example names). */
function documentedCodes(op: Json): Record<string, string[]> {
  const responses = op.responses as Record<string, Json>;
  return Object.fromEntries(
    Object.entries(responses)
      .filter(([status]) => Number(status) >= 400)
      .map(([status, response]) => {
        const content = response.content as Record<string, { examples?: Json }>;
        return [status, Object.keys(content["application/problem+json"]?.examples ?? {})];
      }),
  );
}

describe("the orders operations in the OpenAPI document", () => {
  it("POST /api/v1/orders documents Idempotency-Key, Idempotent-Replayed and every error code", () => {
    const op = operation("/api/v1/orders", "post");
    expect(op.parameters).toEqual([
      // Every operation takes X-D1-Bookmark and traceparent (see openapi-edge.test.ts).
      { $ref: "#/components/parameters/D1Bookmark" },
      { $ref: "#/components/parameters/Traceparent" },
      expect.objectContaining({
        name: "Idempotency-Key",
        in: "header",
        required: false,
        schema: expect.objectContaining({ minLength: 1, maxLength: 255 }),
      }),
    ]);
    const created = (op.responses as Record<string, Json>)["201"] as Json;
    expect(Object.keys(created.headers as Json).sort()).toEqual([
      "Idempotent-Replayed",
      "Location",
      "Server-Timing",
      "X-D1-Bookmark",
      "traceparent",
    ]);
    const codes = documentedCodes(op);
    expect(codes["404"]).toEqual(["product_not_found"]);
    expect(codes["409"]).toEqual([
      "out_of_stock",
      "too_many_open_orders",
      "idempotency_key_in_flight",
    ]);
    expect(codes["429"]).toEqual(["rate_limited"]);
    expect(codes["422"]).toEqual(
      expect.arrayContaining(["validation_failed", "mixed_currency", "idempotency_key_mismatch"]),
    );
    expect(Object.keys(codes)).toEqual(
      expect.arrayContaining(["400", "401", "404", "409", "413", "415", "422", "429", "500"]),
    );
    expect(op.security).toEqual([{ bearerAuth: [] }, { oauth2Password: [] }]);
  });

  it.each([
    [
      "/api/v1/orders/{order_id}/cancel",
      "post",
      { "404": ["order_not_found"], "409": ["invalid_order_state"] },
    ],
    [
      "/api/v1/orders/{order_id}/fulfill",
      "post",
      { "403": ["forbidden"], "409": ["invalid_order_state"] },
    ],
    ["/api/v1/orders/{order_id}", "get", { "404": ["order_not_found"] }],
    [
      "/api/v1/orders",
      "get",
      { "403": ["forbidden"], "422": ["validation_failed", "invalid_cursor"] },
    ],
    ["/api/v1/users/{user_id}/orders", "get", { "403": ["forbidden"], "404": ["user_not_found"] }],
  ] as const)("%s %s lists its errors", (path, method, expected) => {
    const codes = documentedCodes(operation(path, method));
    for (const [status, list] of Object.entries(expected)) {
      expect(codes[status], `${status}`).toEqual(expect.arrayContaining([...list]));
    }
    expect(codes["401"]).toBeDefined();
  });
});
