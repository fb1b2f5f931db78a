import { OpenAPIHono } from "@hono/zod-openapi";
import { afterResponse } from "../../http/after-response";
import type { AppEnv } from "../../http/app-env";
import { confirmedPrincipal, currentPrincipal } from "../../http/auth";
import { API_PREFIX } from "../../http/openapi";
import { pageBody } from "../../http/page";
import { idempotent, jsonResponse } from "../idempotency/idempotency.http";
import { toOrderLines, toOrderResponse } from "./orders.mappers";
import {
  cancelOrder,
  fulfillOrder,
  getOrder,
  listOrders,
  listUserOrders,
  placeOrder,
} from "./orders.openapi";
import type { Order } from "./orders.service";

function created(order: Order) {
  return jsonResponse(201, toOrderResponse(order), {
    Location: `${API_PREFIX}/orders/${order.id}`,
  });
}

export const ordersRoutes = new OpenAPIHono<AppEnv>()
  .openapi(placeOrder, async (c) => {
    const principal = currentPrincipal(c);
    const body = c.req.valid("json");
    const key = c.req.valid("header")["Idempotency-Key"];
    const lines = toOrderLines(body);
    const response = await idempotent(c, { key, userId: principal.id, body }, async (complete) => {
      const { order, mail } = await c.var.services.orders.place(
        () => confirmedPrincipal(c),
        lines,
        (placed) => complete(created(placed)),
      );
      await afterResponse(c, "mail.dispatch", () => c.var.services.mail.dispatch(mail));
      return created(order);
    });
    // The stored response is replayed byte for byte, so it is built as a plain Response.
    return response as never;
  })
  .openapi(listOrders, async (c) => {
    const { user_id, ...query } = c.req.valid("query");
    const page = await c.var.services.orders.list(currentPrincipal(c), {
      ...query,
      userId: user_id,
    });
    return c.json(pageBody(c, page, toOrderResponse), 200);
  })
  .openapi(getOrder, async (c) => {
    const order = await c.var.services.orders.get(
      currentPrincipal(c),
      c.req.valid("param").order_id,
    );
    return c.json(toOrderResponse(order), 200);
  })
  .openapi(cancelOrder, async (c) => {
    const order = await c.var.services.orders.cancel(
      currentPrincipal(c),
      c.req.valid("param").order_id,
    );
    return c.json(toOrderResponse(order), 200);
  })
  .openapi(fulfillOrder, async (c) => {
    const order = await c.var.services.orders.fulfill(
      currentPrincipal(c),
      c.req.valid("param").order_id,
    );
    return c.json(toOrderResponse(order), 200);
  })
  .openapi(listUserOrders, async (c) => {
    const page = await c.var.services.orders.listForUser(
      c.req.valid("param").user_id,
      c.req.valid("query"),
    );
    return c.json(pageBody(c, page, toOrderResponse), 200);
  });
