import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { afterResponse } from "../../http/after-response";
import type { AppEnv } from "../../http/app-env";
import { UnsupportedMediaTypeError } from "../../lib/errors";
import { clientIpKey } from "../../lib/rate-limit";
import { toUserResponse } from "../users/users.mappers";
import { toTokenPairResponse } from "./auth.mappers";
import { FORM_CONTENT_TYPE, MULTIPART_CONTENT_TYPE, tokenRequestHook } from "./auth.oauth2";
import * as routes from "./auth.openapi";
import type { Login, TokenForm } from "./auth.schemas";

/**
 * The caller's rate-limit bucket. Cloudflare sets CF-Connecting-IP on every request it
 * proxies (wrangler dev too); IPv6 is bucketed per /64, no address shares one bucket.
 */
function clientIp(c: Context<AppEnv>): string {
  return clientIpKey(c.req.header("CF-Connecting-IP"));
}

type Grant =
  | { type: "password"; email: string; password: string }
  | { type: "refresh_token"; refreshToken: string };

/**
 * The grant from whichever body the route's validators checked. The body is optional with
 * several media types (see defineRoute), so @hono/zod-openapi validates the JSON target for
 * a JSON Content-Type and the form target for a form one (urlencoded or multipart), and
 * records `{}` for the target it skipped. Picking the target that holds its required
 * fields, rather than testing the header again here, cannot disagree with the validators.
 */
function grantOf(...bodies: Array<TokenForm | Login | Record<string, never>>): Grant {
  for (const body of bodies) {
    if ("refresh_token" in body) return { type: "refresh_token", refreshToken: body.refresh_token };
    if ("username" in body)
      return { type: "password", email: body.username, password: body.password };
    if ("email" in body) return { type: "password", email: body.email, password: body.password };
  }
  // Neither was sent (no Content-Type, no body): the route needs one of them.
  throw new UnsupportedMediaTypeError([
    "application/json",
    FORM_CONTENT_TYPE,
    MULTIPART_CONTENT_TYPE,
  ]);
}

export const authRoutes = new OpenAPIHono<AppEnv>()
  .openapi(routes.register, async (c) => {
    const user = await c.var.services.auth.register({
      ...c.req.valid("json"),
      clientIp: clientIp(c),
    });
    return c.json(toUserResponse(user), 201);
  })
  .openapi(
    routes.login,
    async (c) => {
      const { auth } = c.var.services;
      const grant = grantOf(c.req.valid("form"), c.req.valid("json"));
      const pair =
        grant.type === "refresh_token"
          ? await auth.refresh(grant.refreshToken)
          : await auth.login({ ...grant, clientIp: clientIp(c) });
      c.header("Cache-Control", "no-store");
      return c.json(toTokenPairResponse(pair), 200);
    },
    tokenRequestHook,
  )
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
