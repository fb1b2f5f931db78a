import { z } from "@hono/zod-openapi";
import { defineRoute, jsonContent, LIST_ERRORS, nextLinkHeader } from "../../http/openapi";
import { ForbiddenError, RateLimitedError, ValidationError } from "../../lib/errors";
import { perPeriod, RATE_LIMITS } from "../../lib/rate-limit";
import {
  IdempotencyKeyInFlightError,
  IdempotencyKeyMismatchError,
} from "../idempotency/idempotency.errors";
import {
  idempotencyKeyHeaders,
  idempotentReplayedHeader,
  REPLAY_WINDOW,
} from "../idempotency/idempotency.http";
import { ProductNotFoundError } from "../products/products.errors";
import { UserNotFoundError } from "../users/users.errors";
import {
  InvalidOrderStateError,
  MixedCurrencyError,
  OrderNotFoundError,
  OutOfStockError,
  TooManyOpenOrdersError,
} from "./orders.errors";
import { ORDERS_PATHS } from "./orders.paths";
import {
  OrderIdParams,
  OrderListQuery,
  OrderPageSchema,
  OrderSchema,
  PlaceOrderSchema,
  UserIdParams,
  UserOrderListQuery,
} from "./orders.schemas";
import { MAX_OPEN_ORDERS } from "./orders.values";

const TAGS = ["Orders"];
const COLLECTION = ORDERS_PATHS.listOrders.path;

const linkHeader = nextLinkHeader(COLLECTION);

export const placeOrder = defineRoute({
  ...ORDERS_PATHS.placeOrder,
  tags: TAGS,
  operationId: "placeOrder",
  summary: "Place an order",
  description: [
    "Reserves the stock of every line and records the order in one atomic write: all or nothing, and concurrent orders can never oversell (the loser gets 409 `out_of_stock` naming each short product).",
    "Prices are the catalog's at placement and are snapshotted on the lines. Premium customers get `discount_cents = floor(subtotal_cents / 10)`. All products of an order must share one currency (else 422 `mixed_currency`). An archived or unknown product is 404 `product_not_found`.",
    `Send an \`Idempotency-Key\` to retry safely: the first response (success or refusal) is replayed for ${REPLAY_WINDOW} with \`Idempotent-Replayed: true\`. A confirmation email is queued.`,
    `Limits: ${RATE_LIMITS.ORDER_PLACE_LIMITER.limit} placements per user ${perPeriod("ORDER_PLACE_LIMITER")} (429 with \`Retry-After\`); a customer holds at most ${MAX_OPEN_ORDERS} orders in \`placed\` at once (409 \`too_many_open_orders\`: cancel one or wait for fulfilment). Admins are not capped.`,
  ].join("\n\n"),
  auth: "user",
  // The catalog and the key are read alike for every role; the role decides only the write.
  roleBlindFirstRead: true,
  request: { headers: idempotencyKeyHeaders, body: { content: jsonContent(PlaceOrderSchema) } },
  errors: [
    ProductNotFoundError,
    OutOfStockError,
    TooManyOpenOrdersError,
    IdempotencyKeyInFlightError,
    ValidationError,
    MixedCurrencyError,
    IdempotencyKeyMismatchError,
    RateLimitedError,
  ],
  responses: {
    201: {
      description: "Placed; `Location` is its URL",
      headers: z.object({
        Location: z
          .string()
          .openapi({ example: "/api/v1/orders/0190b5c2-7a1e-7cc3-9f4a-5d2b6c1e8a90" }),
        "Idempotent-Replayed": idempotentReplayedHeader,
      }),
      content: jsonContent(OrderSchema),
    },
  },
});

export const listOrders = defineRoute({
  ...ORDERS_PATHS.listOrders,
  tags: TAGS,
  operationId: "listOrders",
  summary: "List orders",
  description:
    'Newest first, cursor-paginated. Customers get their own orders; admins get every order, or one user\'s with `user_id`. Filter `status`. A `Link: rel="next"` header accompanies `next_cursor`.',
  auth: "user",
  request: { query: OrderListQuery },
  errors: [ForbiddenError, ...LIST_ERRORS],
  responses: {
    200: {
      description: "A page of orders",
      headers: linkHeader,
      content: jsonContent(OrderPageSchema),
    },
  },
});

export const getOrder = defineRoute({
  ...ORDERS_PATHS.getOrder,
  tags: TAGS,
  operationId: "getOrder",
  summary: "Get an order",
  description: "Your own order (admins: any). Someone else's order is 404.",
  auth: "user",
  request: { params: OrderIdParams },
  errors: [OrderNotFoundError],
  responses: { 200: { description: "The order", content: jsonContent(OrderSchema) } },
});

export const cancelOrder = defineRoute({
  ...ORDERS_PATHS.cancelOrder,
  tags: TAGS,
  operationId: "cancelOrder",
  summary: "Cancel an order",
  description:
    "Owner or admin, only from `placed`. The stock comes back in the same atomic write as the status change, exactly once even when cancels race.",
  auth: "user",
  request: { params: OrderIdParams },
  errors: [OrderNotFoundError, InvalidOrderStateError],
  responses: { 200: { description: "Cancelled", content: jsonContent(OrderSchema) } },
});

export const fulfillOrder = defineRoute({
  ...ORDERS_PATHS.fulfillOrder,
  tags: TAGS,
  operationId: "fulfillOrder",
  summary: "Fulfil an order",
  description: "Admins only, only from `placed`.",
  auth: "admin",
  request: { params: OrderIdParams },
  errors: [OrderNotFoundError, InvalidOrderStateError],
  responses: { 200: { description: "Fulfilled", content: jsonContent(OrderSchema) } },
});

export const listUserOrders = defineRoute({
  ...ORDERS_PATHS.listUserOrders,
  tags: TAGS,
  operationId: "listUserOrders",
  summary: "List a user's orders",
  description: "Admins only. Same page shape and filters as `GET /api/v1/orders`.",
  auth: "admin",
  request: { params: UserIdParams, query: UserOrderListQuery },
  errors: [UserNotFoundError, ...LIST_ERRORS],
  responses: {
    200: {
      description: "A page of orders",
      headers: linkHeader,
      content: jsonContent(OrderPageSchema),
    },
  },
});
