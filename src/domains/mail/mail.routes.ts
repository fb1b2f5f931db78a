import { OpenAPIHono } from "@hono/zod-openapi";
import { afterResponse } from "../../http/after-response";
import type { AppEnv } from "../../http/app-env";
import { pageBody } from "../../http/page";
import { toMailEntryResponse } from "./mail.mappers";
import * as routes from "./mail.openapi";

export const mailRoutes = new OpenAPIHono<AppEnv>()
  .openapi(routes.listMail, async (c) => {
    const { limit, cursor, status } = c.req.valid("query");
    const page = await c.var.services.deadLetters.list({ status }, { limit, cursor });
    return c.json(pageBody(c, page, toMailEntryResponse), 200);
  })
  .openapi(routes.retryMail, async (c) => {
    const row = await c.var.services.deadLetters.retry(c.req.valid("param").id);
    await afterResponse(c, "mail.dispatch", () => c.var.services.mail.dispatch([row.id]));
    return c.json(toMailEntryResponse(row), 202);
  });
