import { formOriginGuard, OriginNotAllowedError } from "../../http/form-origin";
import { defineRoute, jsonContent } from "../../http/openapi";
import type { Problem } from "../../http/problem";
import { RateLimitedError } from "../../lib/errors";
import { perPeriod, RATE_LIMITS } from "../../lib/rate-limit";
import { EmailTakenError } from "../users/users.errors";
import { UserSchema } from "../users/users.schemas";
import {
  AccountDisabledError,
  InvalidCredentialsError,
  InvalidRefreshTokenError,
  InvalidResetTokenError,
  RefreshTokenReusedError,
} from "./auth.errors";
import {
  FORM_CONTENT_TYPE,
  MULTIPART_CONTENT_TYPE,
  oauth2ErrorMember,
  oauth2ErrorOf,
  UnsupportedGrantTypeError,
} from "./auth.oauth2";
import { AUTH_PATHS } from "./auth.paths";
import {
  AcceptedSchema,
  LoginSchema,
  PasswordResetConfirmSchema,
  PasswordResetRequestSchema,
  RefreshSchema,
  RegisterSchema,
  TokenFormSchema,
  TokenPairSchema,
} from "./auth.schemas";
import {
  ACCESS_TOKEN_TTL_SECONDS,
  inWords,
  REFRESH_TOKEN_TTL_SECONDS,
  RESET_TOKEN_TTL_SECONDS,
  SESSION_MAX_AGE_SECONDS,
} from "./auth.values";

const tokenPairResponse = {
  description: `An access token (${inWords(ACCESS_TOKEN_TTL_SECONDS)}) and a refresh token (${inWords(REFRESH_TOKEN_TTL_SECONDS)}, single use, and never past ${inWords(SESSION_MAX_AGE_SECONDS)} after the login)`,
  content: jsonContent(TokenPairSchema),
};

export const register = defineRoute({
  ...AUTH_PATHS.register,
  tags: ["Auth"],
  operationId: "register",
  summary: "Create an account",
  description: `Creates a customer account. Log in afterwards to get tokens. At most ${RATE_LIMITS.REGISTER_IP_LIMITER.limit} registrations per client IP (IPv6: per /64) ${perPeriod("REGISTER_IP_LIMITER")} (429 with \`Retry-After\`).`,
  request: { body: { content: jsonContent(RegisterSchema) } },
  responses: { 201: { description: "The new account", content: jsonContent(UserSchema) } },
  errors: [EmailTakenError, RateLimitedError],
});

const tokenForm = {
  schema: TokenFormSchema,
  examples: {
    password: {
      summary: "Password grant (log in)",
      value: {
        grant_type: "password",
        username: "customer@example.com",
        password: "customer-password-123",
      },
    },
    refresh_token: {
      summary: "Refresh grant (RFC 6749 §6)",
      value: {
        grant_type: "refresh_token",
        refresh_token: "q0J3m2n9bE1xY8pWc4kT7vR5sD6fG2hJ9kL3zX1cV0A",
      },
    },
  },
};

/** Each problem a form grant can get, as it gets it: with its RFC 6749 `error` member. */
function withOAuth2Error(example: Problem): Record<string, Problem> {
  const error = oauth2ErrorOf(example);
  if (!error || example.code === "malformed_json") return {};
  return { [`${example.code}_form`]: { ...example, error } };
}

export const login = defineRoute({
  ...AUTH_PATHS.login,
  tags: ["Auth"],
  operationId: "login",
  summary: "Log in, or refresh the tokens (OAuth2 token endpoint)",
  description: [
    "Send the credentials either as JSON (`email`, `password`) or, as the OAuth2 password",
    "flow does (the docs page's Authorize button), as an `application/x-www-form-urlencoded`",
    "form (`grant_type=password`, `username` = the email, `password`); the same form fields",
    "are also accepted as `multipart/form-data` (`curl -F`). One body is required: a request",
    "without one answers 415.",
    "",
    "This is also the OAuth2 token endpoint's refresh grant (RFC 6749 §6): the form",
    "`grant_type=refresh_token&refresh_token=...` spends the refresh token and returns a new",
    "pair, with the same rules as `POST /auth/refresh` (a reused token revokes its login).",
    "Another `grant_type` is 400 `unsupported_grant_type`.",
    "",
    "Problems answering a form also carry the RFC 6749 `error` member, so OAuth2 client",
    "libraries understand them: `invalid_grant` (401, 403), `invalid_request` (400, 413, 422)",
    "and `unsupported_grant_type`. JSON logins get plain problems.",
    "",
    `An unknown email and a wrong password get the same 401. At most ${RATE_LIMITS.LOGIN_EMAIL_LIMITER.limit} attempts per email`,
    `and ${RATE_LIMITS.LOGIN_IP_LIMITER.limit} per client IP ${perPeriod("LOGIN_IP_LIMITER")} (429 with \`Retry-After\`).`,
    "",
    "A form (urlencoded or multipart) sent by a browser must come from this API's own origin",
    "(the docs page) or one of `CORS_ORIGINS` (`Origin` / `Sec-Fetch-Site`), else 403",
    "`origin_not_allowed`; requests without those headers (curl, OAuth2 libraries) and JSON",
    "logins are not affected.",
  ].join("\n"),
  // oauth2ErrorMember first, so it adds the `error` member to the guard's 403 as well. Forms
  // need no CORS preflight: the guard refuses one from another site's page, for every grant
  // (JSON is not affected; CORS guards it).
  middleware: [oauth2ErrorMember, formOriginGuard],
  request: {
    body: {
      required: false,
      content: {
        ...jsonContent(LoginSchema),
        [FORM_CONTENT_TYPE]: tokenForm,
        [MULTIPART_CONTENT_TYPE]: tokenForm,
      },
    },
  },
  responses: { 200: tokenPairResponse },
  errors: [
    UnsupportedGrantTypeError,
    InvalidCredentialsError,
    InvalidRefreshTokenError,
    RefreshTokenReusedError,
    AccountDisabledError,
    OriginNotAllowedError,
    RateLimitedError,
  ],
  problemVariants: withOAuth2Error,
});

export const refresh = defineRoute({
  ...AUTH_PATHS.refresh,
  tags: ["Auth"],
  operationId: "refreshTokens",
  summary: "Refresh the tokens",
  description: `Spends the refresh token and returns a new pair. Presenting a refresh token that was already used revokes every token of that login (401 \`refresh_token_reused\`): log in again. A login lasts at most ${inWords(SESSION_MAX_AGE_SECONDS)}, however often it is refreshed; after that refresh is 401 \`invalid_refresh_token\`.`,
  request: { body: { content: jsonContent(RefreshSchema) } },
  responses: { 200: tokenPairResponse },
  errors: [InvalidRefreshTokenError, RefreshTokenReusedError],
});

export const logout = defineRoute({
  ...AUTH_PATHS.logout,
  tags: ["Auth"],
  operationId: "logout",
  summary: "Log out",
  description:
    "Revokes the refresh token's login (its whole family). Idempotent: an unknown or already revoked token also answers 204. The access tokens of that login are refused (401 `invalid_token`) from the next request on.",
  request: { body: { content: jsonContent(RefreshSchema) } },
  responses: { 204: { description: "Logged out" } },
});

export const requestPasswordReset = defineRoute({
  ...AUTH_PATHS.requestPasswordReset,
  tags: ["Auth"],
  operationId: "requestPasswordReset",
  summary: "Ask for a password reset email",
  description: `Answers 202 whether or not the email has an account. When it has an active one, an email with a single-use token valid ${inWords(RESET_TOKEN_TTL_SECONDS)} is queued. At most ${RATE_LIMITS.RESET_EMAIL_LIMITER.limit} requests per email ${perPeriod("RESET_EMAIL_LIMITER")}.`,
  request: { body: { content: jsonContent(PasswordResetRequestSchema) } },
  responses: { 202: { description: "Accepted", content: jsonContent(AcceptedSchema) } },
  errors: [RateLimitedError],
});

export const confirmPasswordReset = defineRoute({
  ...AUTH_PATHS.confirmPasswordReset,
  tags: ["Auth"],
  operationId: "confirmPasswordReset",
  summary: "Set a new password with a reset token",
  description:
    "Spends the token, sets the password and revokes every session of the account: their refresh tokens and access tokens are refused from the next request on (log in again).",
  request: { body: { content: jsonContent(PasswordResetConfirmSchema) } },
  responses: { 204: { description: "Password changed" } },
  errors: [InvalidResetTokenError],
});
