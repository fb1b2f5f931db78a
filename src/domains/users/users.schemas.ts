import { z } from "@hono/zod-openapi";
import { newestFirstSort, PageQuerySchema, pageResponseSchema } from "../../http/page";
import { booleanQuery, containsQuery } from "../../http/query";
import { idInput } from "../../lib/ids";
import { EMAIL_MAX, PASSWORD_MAX, PASSWORD_MIN, ROLES, TIERS } from "./users.values";

export const NAME_MAX = 100;

const EXAMPLE_ID = "0190b5c2-7a1e-7cc3-9f4a-5d2b6c1e8a90";

export const RoleSchema = z
  .enum(ROLES)
  .openapi({ description: "What the user may do", example: "customer" });
export const TierSchema = z
  .enum(TIERS)
  .openapi({ description: "Premium customers get 10% off orders", example: "standard" });

export const EmailSchema = z.email().max(EMAIL_MAX).openapi({ example: "ada@example.com" });
/**
 * What a display name may not hold: control characters (C0, DEL, C1: line breaks included),
 * the Unicode line and paragraph separators, and bidirectional overrides and isolates, which
 * could forge lines or reorder text wherever the name is shown.
 */
const UNPRINTABLE = /[\p{Cc}\p{Zl}\p{Zp}\u202A-\u202E\u2066-\u2069]/u;

export function isPrintableName(name: string): boolean {
  return !UNPRINTABLE.test(name);
}

export const NameSchema = z
  .string()
  .trim()
  .min(1)
  .max(NAME_MAX)
  .refine(isPrintableName, {
    message: "Use printable characters only (no control characters or line breaks)",
  })
  .openapi({
    example: "Ada Lovelace",
    description: "Printable characters only: no control characters or line breaks",
  });
export const NewPasswordSchema = z
  .string()
  .min(PASSWORD_MIN)
  .max(PASSWORD_MAX)
  .openapi({ description: "8..128 characters", example: "correct-horse-battery" });

const EXAMPLE_USER = {
  id: EXAMPLE_ID,
  email: "ada@example.com",
  name: "Ada Lovelace",
  role: "customer" as const,
  tier: "standard" as const,
  is_active: true,
  created_at: "2026-11-21T10:00:00.000Z",
  updated_at: "2026-11-21T10:00:00.000Z",
};

export const UserSchema = z
  .object({
    id: z.uuid().openapi({ example: EXAMPLE_ID }),
    email: z.string().openapi({ example: "ada@example.com" }),
    name: z.string().openapi({ example: "Ada Lovelace" }),
    role: RoleSchema,
    tier: TierSchema,
    is_active: z.boolean().openapi({ example: true }),
    created_at: z.string().openapi({ example: "2026-11-21T10:00:00.000Z" }),
    updated_at: z.string().openapi({ example: "2026-11-21T10:00:00.000Z" }),
  })
  .openapi("User", { example: EXAMPLE_USER });

export type UserResponse = z.infer<typeof UserSchema>;

export const UserPageSchema = pageResponseSchema(UserSchema, "UserPage").openapi({
  example: {
    items: [EXAMPLE_USER],
    next_cursor:
      "eyJrIjoiLWNyZWF0ZWRfYXQiLCJ2IjoiMjAyNi0xMS0yMVQxMDowMDowMC4wMDBaIiwiaSI6IjAxOTAifQ",
  },
});

export const UpdateMeSchema = z
  .strictObject({ name: NameSchema })
  .openapi("UpdateMe", { example: { name: "Ada King" } });

export const ChangePasswordSchema = z
  .strictObject({
    current_password: z
      .string()
      .min(1)
      .max(PASSWORD_MAX)
      .openapi({ example: "correct-horse-battery" }),
    new_password: NewPasswordSchema,
  })
  .openapi("ChangePassword", {
    example: { current_password: "correct-horse-battery", new_password: "a-new-long-password" },
  });

export const DeleteMeSchema = z
  .strictObject({
    password: z.string().min(1).max(PASSWORD_MAX).openapi({ example: "correct-horse-battery" }),
  })
  .openapi("DeleteMe", { example: { password: "correct-horse-battery" } });

export const AdminUpdateUserSchema = z
  .strictObject({
    name: NameSchema.optional(),
    role: RoleSchema.optional(),
    tier: TierSchema.optional(),
    is_active: z.boolean().optional().openapi({
      description: "false deactivates the account and revokes its sessions",
      example: false,
    }),
  })
  .openapi("AdminUpdateUser", { example: { tier: "premium" } });

export type AdminUpdateUser = z.infer<typeof AdminUpdateUserSchema>;

export const UserIdParamsSchema = z.object({
  user_id: idInput().openapi({ param: { name: "user_id", in: "path" }, example: EXAMPLE_ID }),
});

export const ListUsersQuerySchema = PageQuerySchema.extend({
  sort: newestFirstSort,
  role: RoleSchema.optional().openapi({ param: { description: "Only this role" } }),
  tier: TierSchema.optional().openapi({ param: { description: "Only this tier" } }),
  is_active: booleanQuery.optional().openapi({
    param: { description: "Only active (true) or deactivated (false) users" },
    example: "true",
  }),
  q: containsQuery("Email or name contains (case-insensitive)", "ada"),
});

export type UserPageResponse = z.infer<typeof UserPageSchema>;
