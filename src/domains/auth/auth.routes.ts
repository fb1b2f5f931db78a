import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { afterResponse } from "../../http/after-response";
import type { AppEnv } from "../../http/app-env";
import { UnsupportedMediaTypeError } from "../../lib/errors";
import { toUserResponse } from "../users/users.schemas";
import * as routes from "./auth.openapi";
import { toTokenPairResponse } from "./auth.schemas";

/** Cloudflare sets CF-Connecting-IP on every request it proxies (wrangler dev too). */
function clientIp(c: Context<AppEnv>): string {
  return c.req.header("CF-Connecting-IP") ?? "unknown";
}

type Credentials = { email: string; password: string };

/**
 * The credentials from whichever body the route's validators checked. The body is optional
 * with two media types (see defineRoute), so @hono/zod-openapi validates the JSON target for
 * a JSON Content-Type and the form target for a form one (urlencoded or multipart),
 * and records `{}` for the target it skipped. Picking the target that holds its required
 * fields, rather than testing the header again here, cannot disagree with the validators.
 */
function credentials(
  form: { username?: string; password?: string },
  json: { email?: string; password?: string },
): Credentials {
  if (form.username !== undefined && form.password !== undefined) {
    return { email: form.username, password: form.password };
  }
  if (json.email !== undefined && json.password !== undefined) {
    return { email: json.email, password: json.password };
  }
  // Neither was sent (no Content-Type, no body): the route needs one of them.
  throw new UnsupportedMediaTypeError([
    "application/json",
    routes.FORM_CONTENT_TYPE,
    routes.MULTIPART_CONTENT_TYPE,
  ]);
}

export const authRoutes = new OpenAPIHono<AppEnv>()
  .openapi(routes.register, async (c) => {
    const user = await c.var.services.auth.register(c.req.valid("json"));
    return c.json(toUserResponse(user), 201);
  })
  .openapi(routes.login, async (c) => {
    const body = credentials(c.req.valid("form"), c.req.valid("json"));
    const pair = await c.var.services.auth.login({ ...body, clientIp: clientIp(c) });
    c.header("Cache-Control", "no-store");
    return c.json(toTokenPairResponse(pair), 200);
  })
  .openapi(routes.refresh, async (c) => {
    const pair = await c.var.services.auth.refresh(c.req.valid("json").refresh_token);
    c.header("Cache-Control", "no-store");
    return c.json(toTokenPairResponse(pair), 200);
  })
  .openapi(routes.logout, async (c) => {
    await c.var.services.auth.logout(c.req.valid("json").refresh_token);
    return c.body(null, 204);
  })
  .openapi(routes.requestPasswordReset, async (c) => {
    const { mail } = await c.var.services.auth.requestPasswordReset(c.req.valid("json").email);
    await afterResponse(c, "mail.dispatch", () => c.var.services.mail.dispatch(mail));
    return c.json({ status: "accepted" as const }, 202);
  })
  .openapi(routes.confirmPasswordReset, async (c) => {
    const { token, new_password } = c.req.valid("json");
    await c.var.services.auth.confirmPasswordReset(token, new_password);
    return c.body(null, 204);
  });
