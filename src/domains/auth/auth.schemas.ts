import { z } from "@hono/zod-openapi";
import { EmailSchema, NameSchema, NewPasswordSchema } from "../users/users.schemas";
import { EMAIL_MAX, PASSWORD_MAX } from "../users/users.values";
import { ACCESS_TOKEN_TTL_SECONDS, inWords, REFRESH_TOKEN_TTL_SECONDS } from "./auth.values";

const LoginPasswordSchema = z
  .string()
  .min(1)
  .max(PASSWORD_MAX)
  .openapi({ example: "customer-password-123" });

const OpaqueTokenSchema = z.string().min(1).max(256);

export const RegisterSchema = z
  .strictObject({ email: EmailSchema, password: NewPasswordSchema, name: NameSchema })
  .openapi("Register", {
    example: { email: "ada@example.com", password: "correct-horse-battery", name: "Ada Lovelace" },
  });

export const LoginSchema = z
  .strictObject({
    email: EmailSchema.openapi({ example: "customer@example.com" }),
    password: LoginPasswordSchema,
  })
  .openapi("Login", {
    example: { email: "customer@example.com", password: "customer-password-123" },
  });

/** What OAuth2 clients may add to any grant; no client is registered, so they are ignored. */
const OAuth2ClientFields = {
  scope: z.string().max(1000).optional().openapi({ example: "" }),
  client_id: z.string().max(256).optional(),
  client_secret: z.string().max(256).optional(),
};

/**
 * RFC 6749 §4.3 resource owner password credentials, as the docs page's Authorize button
 * sends them: `username` is the email. `grant_type` may be left out (a plain login form).
 */
export const LoginFormSchema = z
  .strictObject({
    grant_type: z.literal("password").optional().openapi({ example: "password" }),
    username: z.email().max(EMAIL_MAX).openapi({ example: "customer@example.com" }),
    password: LoginPasswordSchema,
    ...OAuth2ClientFields,
  })
  .openapi({
    title: "Password grant",
    example: {
      grant_type: "password",
      username: "customer@example.com",
      password: "customer-password-123",
    },
  });

const REFRESH_TOKEN_EXAMPLE = "q0J3m2n9bE1xY8pWc4kT7vR5sD6fG2hJ9kL3zX1cV0A";

/** RFC 6749 §6: the token endpoint's refresh grant, the same rules as POST /auth/refresh. */
export const RefreshGrantFormSchema = z
  .strictObject({
    grant_type: z.literal("refresh_token").openapi({ example: "refresh_token" }),
    refresh_token: OpaqueTokenSchema.openapi({ example: REFRESH_TOKEN_EXAMPLE }),
    ...OAuth2ClientFields,
  })
  .openapi({
    title: "Refresh grant",
    example: { grant_type: "refresh_token", refresh_token: REFRESH_TOKEN_EXAMPLE },
  });

/**
 * The token endpoint's form body: one of the two grants, told apart by `grant_type`. The
 * grants stay inline (not components), so the document has no `discriminator`: the password
 * grant's `grant_type` is optional (a form without one is a password grant), and a
 * discriminator must be a property every variant requires.
 */
export const TokenFormSchema = z
  .discriminatedUnion("grant_type", [LoginFormSchema, RefreshGrantFormSchema])
  .openapi("TokenForm");

export type Login = z.infer<typeof LoginSchema>;
export type TokenForm = z.infer<typeof TokenFormSchema>;

export const TokenPairSchema = z
  .object({
    access_token: z.string().openapi({
      description: "JWT (HS256, typ at+jwt): send as `Authorization: Bearer <access_token>`",
      example: "eyJhbGciOiJIUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJzdWIiOiIuLi4ifQ.c2lnbmF0dXJl",
    }),
    token_type: z.literal("bearer").openapi({ example: "bearer" }),
    expires_in: z
      .number()
      .int()
      .openapi({ description: "Seconds", example: ACCESS_TOKEN_TTL_SECONDS }),
    refresh_token: z.string().openapi({
      description: `Opaque, single use (each refresh returns a new one), valid ${inWords(REFRESH_TOKEN_TTL_SECONDS)}`,
      example: REFRESH_TOKEN_EXAMPLE,
    }),
  })
  .openapi("TokenPair", {
    example: {
      access_token: "eyJhbGciOiJIUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJzdWIiOiIuLi4ifQ.c2lnbmF0dXJl",
      token_type: "bearer",
      expires_in: ACCESS_TOKEN_TTL_SECONDS,
      refresh_token: REFRESH_TOKEN_EXAMPLE,
    },
  });

export type TokenPairResponse = z.infer<typeof TokenPairSchema>;

export const RefreshSchema = z
  .strictObject({ refresh_token: OpaqueTokenSchema })
  .openapi("RefreshRequest", {
    example: { refresh_token: REFRESH_TOKEN_EXAMPLE },
  });

export const PasswordResetRequestSchema = z
  .strictObject({ email: EmailSchema })
  .openapi("PasswordResetRequest", { example: { email: "customer@example.com" } });

export const PasswordResetConfirmSchema = z
  .strictObject({ token: OpaqueTokenSchema, new_password: NewPasswordSchema })
  .openapi("PasswordResetConfirm", {
    example: {
      token: "Zt1mV7qP2xN8cB4wK6yH3jR9dF5gL0sA1eU7iO2pQ4M",
      new_password: "a-new-long-password",
    },
  });

export const AcceptedSchema = z
  .object({ status: z.literal("accepted") })
  .openapi("Accepted", { example: { status: "accepted" } });
