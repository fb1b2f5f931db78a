import { createMiddleware } from "hono/factory";
import { newId } from "../lib/ids";
import type { AppEnv } from "./app-env";

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Keeps the caller's X-Request-Id when it is safe to echo and log, otherwise mints one.
 * Not hono/request-id: its generator option fits (newId), but its check of the incoming
 * value is fixed (`[\w\-=]` up to limitLength), so it would refuse the `.` and `:` of ids
 * the contract accepts (1..128 of `A-Za-z0-9._:-`) and accept `=` it does not.
 */
export const requestId = createMiddleware<AppEnv>(async (c, next) => {
  const incoming = c.req.header("X-Request-Id");
  const id = incoming && SAFE_REQUEST_ID.test(incoming) ? incoming : newId();
  c.set("requestId", id);
  await next();
  c.res.headers.set("X-Request-Id", id);
});
