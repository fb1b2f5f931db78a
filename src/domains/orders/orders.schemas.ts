import { z } from "@hono/zod-openapi";
import { newestFirstSort, PageQuerySchema, pageResponseSchema } from "../../http/page";
import { idInput } from "../../lib/ids";
import { duplicateProductErrors, MAX_LINE_QUANTITY, MAX_ORDER_LINES } from "./orders.pricing";
import { ORDER_STATUSES } from "./orders.values";

const ORDER_ID = "0190b5c2-7a1e-7cc3-9f4a-5d2b6c1e8a90";
const USER_ID = "0190b5c2-6f00-7aa1-8c3d-1e2f3a4b5c6d";
const PRODUCT_ID = "0190b5c2-5e11-7bb2-9d4e-2f3a4b5c6d7e";

const cents = (example: number, description: string) =>
  z.number().int().min(0).openapi({ example, description });
const timestamp = z.iso.datetime().openapi({ example: "2026-11-21T10:00:00.000Z" });

export const OrderItemSchema = z
  .object({
    product_id: z.uuid().openapi({ example: PRODUCT_ID }),
    sku: z.string().openapi({ example: "MUG-BLUE-001", description: "As at placement" }),
    name: z.string().openapi({ example: "Blue mug", description: "As at placement" }),
    unit_price_cents: cents(1250, "Unit price at placement"),
    quantity: z.number().int().min(1).max(MAX_LINE_QUANTITY).openapi({ example: 2 }),
    line_total_cents: cents(2500, "unit_price_cents × quantity"),
  })
  .openapi("OrderItem");

const ORDER_EXAMPLE = {
  id: ORDER_ID,
  user_id: USER_ID,
  status: "placed" as const,
  items: [
    {
      product_id: PRODUCT_ID,
      sku: "MUG-BLUE-001",
      name: "Blue mug",
      unit_price_cents: 1250,
      quantity: 2,
      line_total_cents: 2500,
    },
  ],
  subtotal_cents: 2500,
  discount_cents: 250,
  total_cents: 2250,
  currency: "USD",
  created_at: "2026-11-21T10:00:00.000Z",
  updated_at: "2026-11-21T10:00:00.000Z",
};

export const OrderSchema = z
  .object({
    id: z.uuid().openapi({ example: ORDER_ID }),
    user_id: z.uuid().openapi({ example: USER_ID }),
    status: z.enum(ORDER_STATUSES).openapi({
      example: "placed",
      description: "placed → cancelled (owner or admin) or placed → fulfilled (admin)",
    }),
    items: z.array(OrderItemSchema),
    subtotal_cents: cents(2500, "Sum of the line totals"),
    discount_cents: cents(250, "Premium tier: floor(subtotal_cents / 10); otherwise 0"),
    total_cents: cents(2250, "subtotal_cents − discount_cents"),
    currency: z.string().openapi({ example: "USD", description: "ISO 4217, of every line" }),
    created_at: timestamp,
    updated_at: timestamp,
  })
  .openapi("Order", { example: ORDER_EXAMPLE });

export const PlaceOrderSchema = z
  .strictObject({
    items: z
      .array(
        z.strictObject({
          product_id: idInput().openapi({ example: PRODUCT_ID }),
          quantity: z.number().int().min(1).max(MAX_LINE_QUANTITY).openapi({ example: 2 }),
        }),
      )
      .min(1)
      .max(MAX_ORDER_LINES)
      .openapi({ description: `1..${MAX_ORDER_LINES} lines, each product at most once` }),
  })
  .superRefine((body, ctx) => {
    const lines = body.items.map((item) => ({ productId: item.product_id }));
    for (const error of duplicateProductErrors(lines)) {
      ctx.addIssue({
        code: "custom",
        path: error.path.split(".").map((part) => (/^\d+$/.test(part) ? Number(part) : part)),
        message: error.message,
        params: { code: error.code },
      });
    }
  })
  .openapi("PlaceOrder", {
    example: { items: [{ product_id: PRODUCT_ID, quantity: 2 }] },
  });

const orderId = idInput().openapi({ param: { name: "order_id", in: "path" }, example: ORDER_ID });
const userId = idInput().openapi({ param: { name: "user_id", in: "path" }, example: USER_ID });

export const OrderIdParams = z.object({ order_id: orderId });
export const UserIdParams = z.object({ user_id: userId });

const statusFilter = z
  .enum(ORDER_STATUSES)
  .optional()
  .openapi({ param: { description: "Only orders in this status" }, example: "placed" });

export const UserOrderListQuery = z.object({
  ...PageQuerySchema.shape,
  sort: newestFirstSort,
  status: statusFilter,
});

export const OrderListQuery = z.object({
  ...PageQuerySchema.shape,
  sort: newestFirstSort,
  status: statusFilter,
  user_id: idInput()
    .optional()
    .openapi({
      param: {
        description:
          "Admins: only this user's orders. Customers always get their own; another user's id is 403",
      },
      example: USER_ID,
    }),
});

export const OrderPageSchema = pageResponseSchema(OrderSchema, "OrderPage").openapi({
  example: {
    items: [ORDER_EXAMPLE],
    next_cursor:
      "eyJrIjoiLWNyZWF0ZWRfYXQiLCJ2IjoiMjAyNi0xMS0yMVQwOTowMDowMC4wMDBaIiwiaSI6IjAxOTAifQ",
  },
});

export type OrderResponse = z.infer<typeof OrderSchema>;
export type PlaceOrderBody = z.infer<typeof PlaceOrderSchema>;

export type OrderPageResponse = z.infer<typeof OrderPageSchema>;
