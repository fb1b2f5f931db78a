import { defineRoute, jsonContent, LIST_ERRORS, nextLinkHeader } from "../../http/openapi";
import { RateLimitedError } from "../../lib/errors";
import { perPeriod, RATE_LIMITS } from "../../lib/rate-limit";
import { InvalidPasswordError } from "../auth/auth.errors";
import {
  CannotDeleteSelfError,
  CannotLockSelfOutError,
  LastActiveAdminError,
  UserHasOrdersError,
  UserNotFoundError,
} from "./users.errors";
import { USERS_PATHS } from "./users.paths";
import {
  AdminUpdateUserSchema,
  ChangePasswordSchema,
  DeleteMeSchema,
  ListUsersQuerySchema,
  UpdateMeSchema,
  UserIdParamsSchema,
  UserPageSchema,
  UserSchema,
} from "./users.schemas";

export const getMe = defineRoute({
  ...USERS_PATHS.getMe,
  tags: ["Users"],
  operationId: "getMe",
  summary: "Your account",
  description: "The account of the access token's user: profile, role and tier.",
  auth: "user",
  // The caller's own row, whatever the role: an admin's token costs no extra round trip.
  roleBlindFirstRead: true,
  responses: { 200: { description: "The caller", content: jsonContent(UserSchema) } },
});

export const updateMe = defineRoute({
  ...USERS_PATHS.updateMe,
  tags: ["Users"],
  operationId: "updateMe",
  summary: "Update your profile",
  description:
    "Only `name` can be changed here; `role`, `tier`, `email` and `is_active` are refused (422).",
  auth: "user",
  request: { body: { content: jsonContent(UpdateMeSchema) } },
  responses: { 200: { description: "The updated account", content: jsonContent(UserSchema) } },
});

export const changePassword = defineRoute({
  ...USERS_PATHS.changePassword,
  tags: ["Users"],
  operationId: "changeMyPassword",
  summary: "Change your password",
  description: `Needs the current password. Revokes the account's other sessions (logins): their refresh tokens and access tokens are refused (401 \`invalid_token\`) from the next request on; the session of the access token used here keeps working. At most ${RATE_LIMITS.PASSWORD_CHANGE_LIMITER.limit} attempts per user ${perPeriod("PASSWORD_CHANGE_LIMITER")} (429 with \`Retry-After\`).`,
  auth: "user",
  request: { body: { content: jsonContent(ChangePasswordSchema) } },
  responses: { 204: { description: "Password changed" } },
  errors: [InvalidPasswordError, RateLimitedError],
});

export const deleteMe = defineRoute({
  ...USERS_PATHS.deleteMe,
  tags: ["Users"],
  operationId: "deleteMe",
  summary: "Delete your account",
  description: `Needs your password. Erases the account and revokes every session (its access tokens stop working at once). An account with orders keeps them: its email and name are anonymised and it is deactivated. The last active admin cannot delete itself (409 \`last_active_admin\`). Password attempts count against the password-change limit (${RATE_LIMITS.PASSWORD_CHANGE_LIMITER.limit} per user ${perPeriod("PASSWORD_CHANGE_LIMITER")}, 429 with \`Retry-After\`).`,
  auth: "user",
  request: { body: { content: jsonContent(DeleteMeSchema) } },
  responses: { 204: { description: "Account erased" } },
  errors: [InvalidPasswordError, LastActiveAdminError, RateLimitedError],
});

export const listUsers = defineRoute({
  ...USERS_PATHS.listUsers,
  tags: ["Users"],
  operationId: "listUsers",
  summary: "List users (admin)",
  description:
    'Newest first, cursor-paginated; filters `role`, `tier`, `is_active`, `q` (email or name contains). A `Link: rel="next"` header points at the next page.',
  auth: "admin",
  request: { query: ListUsersQuerySchema },
  responses: {
    200: {
      description: "A page of users",
      headers: nextLinkHeader(USERS_PATHS.listUsers.path),
      content: jsonContent(UserPageSchema),
    },
  },
  errors: LIST_ERRORS,
});

export const getUser = defineRoute({
  ...USERS_PATHS.getUser,
  tags: ["Users"],
  operationId: "getUser",
  summary: "Get a user (admin)",
  description: "Any account by id, active or not (404 `user_not_found` when none).",
  auth: "admin",
  request: { params: UserIdParamsSchema },
  responses: { 200: { description: "The user", content: jsonContent(UserSchema) } },
  errors: [UserNotFoundError],
});

export const updateUser = defineRoute({
  ...USERS_PATHS.updateUser,
  tags: ["Users"],
  operationId: "updateUser",
  summary: "Update a user (admin)",
  description:
    "Set `name`, `role`, `tier` or `is_active`. Deactivating revokes the user's sessions and their access tokens stop working at once. An admin cannot demote or deactivate itself (409 `cannot_lock_self_out`).",
  auth: "admin",
  request: { params: UserIdParamsSchema, body: { content: jsonContent(AdminUpdateUserSchema) } },
  responses: { 200: { description: "The updated user", content: jsonContent(UserSchema) } },
  errors: [UserNotFoundError, CannotLockSelfOutError],
});

export const deleteUser = defineRoute({
  ...USERS_PATHS.deleteUser,
  tags: ["Users"],
  operationId: "deleteUser",
  summary: "Delete a user (admin)",
  description:
    "Deletes the account and its sessions. An admin cannot delete itself (409 `cannot_delete_self`); a user with orders cannot be deleted, so their order history survives (409 `user_has_orders`: deactivate instead).",
  auth: "admin",
  request: { params: UserIdParamsSchema },
  responses: { 204: { description: "Deleted" } },
  errors: [UserNotFoundError, CannotDeleteSelfError, UserHasOrdersError],
});
