import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../http/app-env";
import { currentPrincipal } from "../../http/auth";
import { pageBody } from "../../http/page";
import { toAdminUserPatch, toUserResponse } from "./users.mappers";
import * as routes from "./users.openapi";

// The /users/me routes are registered before /users/{user_id} so "me" is never taken for an id.
export const usersRoutes = new OpenAPIHono<AppEnv>()
  .openapi(routes.getMe, async (c) => {
    const user = await c.var.services.users.getById(currentPrincipal(c).id);
    return c.json(toUserResponse(user), 200);
  })
  .openapi(routes.updateMe, async (c) => {
    const user = await c.var.services.users.updateProfile(
      currentPrincipal(c).id,
      c.req.valid("json"),
    );
    return c.json(toUserResponse(user), 200);
  })
  .openapi(routes.changePassword, async (c) => {
    const body = c.req.valid("json");
    const principal = currentPrincipal(c);
    await c.var.services.auth.changePassword(
      principal.id,
      body.current_password,
      body.new_password,
      principal.sessionId,
    );
    return c.body(null, 204);
  })
  .openapi(routes.deleteMe, async (c) => {
    await c.var.services.auth.deleteOwnAccount(
      currentPrincipal(c).id,
      c.req.valid("json").password,
    );
    return c.body(null, 204);
  })
  .openapi(routes.listUsers, async (c) => {
    const { limit, cursor, role, tier, is_active, q } = c.req.valid("query");
    const page = await c.var.services.users.list(
      { role, tier, isActive: is_active, q },
      { limit, cursor },
    );
    return c.json(pageBody(c, page, toUserResponse), 200);
  })
  .openapi(routes.getUser, async (c) => {
    const user = await c.var.services.users.getById(c.req.valid("param").user_id);
    return c.json(toUserResponse(user), 200);
  })
  .openapi(routes.updateUser, async (c) => {
    const user = await c.var.services.users.adminUpdate(
      currentPrincipal(c).id,
      c.req.valid("param").user_id,
      toAdminUserPatch(c.req.valid("json")),
    );
    return c.json(toUserResponse(user), 200);
  })
  .openapi(routes.deleteUser, async (c) => {
    await c.var.services.users.delete(currentPrincipal(c).id, c.req.valid("param").user_id);
    return c.body(null, 204);
  });
