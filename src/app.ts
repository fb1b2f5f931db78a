import { OpenAPIHono } from "@hono/zod-openapi";
import type { ErrorHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import { buildServices, type ServiceOverrides } from "./container";
import { unwrapQueryError } from "./db/query-errors";
import { docsRoutes, registerOpenApiDocument } from "./docs";
import { healthRoutes } from "./domains/health/health.routes";
import type { AppEnv } from "./http/app-env";
import { corsHeaders } from "./http/cors";
import { d1Session } from "./http/d1-session";
import { mountLazily } from "./http/lazy-routes";
import { allowedMethods } from "./http/method-not-allowed";
import { requestMetrics } from "./http/metrics";
import { API_PREFIX } from "./http/openapi";
import { errorResponse, internalProblem, problemResponse } from "./http/problem";
import { requestContext } from "./http/request-context";
import { requestLog } from "./http/request-log";
import { securityHeaders } from "./http/security-headers";
import { requireValidSettings } from "./http/settings-guard";
import { validationHook } from "./http/validation";
import { errorLogFields } from "./lib/error-log";
import {
  type AppError,
  AppError as AppErrorBase,
  MalformedBodyError,
  MalformedJsonError,
  MethodNotAllowedError,
  NotFoundError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
} from "./lib/errors";
import { jsonLogger } from "./lib/logger";
import { API_ROUTERS } from "./routers";

export const MAX_BODY_BYTES = 64 * 1024;

export type CreateAppOptions = { overrides?: ServiceOverrides };

/** Hono's own HTTP errors (a body that does not parse, wrong media type) as domain errors. */
function fromHttpException(error: HTTPException, contentType = ""): AppError | null {
  if (error.status === 400) {
    return contentType.toLowerCase().startsWith("application/json")
      ? new MalformedJsonError()
      : new MalformedBodyError();
  }
  if (error.status === 413) return new PayloadTooLargeError(MAX_BODY_BYTES);
  if (error.status === 415) return new UnsupportedMediaTypeError(["application/json"]);
  return null;
}

/** What a handler or middleware threw, as the request's problem+json answer. */
export const handleError: ErrorHandler<AppEnv> = (thrown, c) => {
  const requestIdValue = c.var.requestId ?? "unknown";
  const error = unwrapQueryError(thrown);
  if (error instanceof AppErrorBase) return errorResponse(error, requestIdValue);
  if (error instanceof HTTPException) {
    const mapped = fromHttpException(error, c.req.header("Content-Type"));
    if (mapped) return errorResponse(mapped, requestIdValue);
  }
  // Before request-context ran (nothing there throws today), the line still has the id.
  const log = c.var.log ?? jsonLogger;
  log.error("unhandled error", { request_id: requestIdValue, ...errorLogFields(error) });
  return problemResponse(internalProblem(requestIdValue));
};

export function createApp(options: CreateAppOptions = {}) {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  // First, so a request's data point covers everything, and is written once c.res is final.
  app.use(requestMetrics);
  // Next, so the total in Server-Timing covers every other middleware.
  app.use(d1Session);
  app.use(requestContext());
  app.use(requestLog);
  app.use(securityHeaders);
  app.use(corsHeaders);
  app.use(
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new PayloadTooLargeError(MAX_BODY_BYTES);
      },
    }),
  );
  app.use(async (c, next) => {
    const scope = { log: c.var.log, trace: c.var.trace };
    c.set("services", buildServices(c.env, options.overrides, c.var.d1, scope));
    await next();
  });
  app.use("/api/*", requireValidSettings);

  app.route("/", healthRoutes);
  app.route("/", docsRoutes);
  // Domain routers are mounted under /api/v1 here, each built on first use (src/routers.ts).
  const mounted = API_ROUTERS.map((router) => mountLazily(app, API_PREFIX, router, handleError));

  registerOpenApiDocument(app, () => Promise.all(mounted.map((mount) => mount())));

  app.notFound((c) => {
    const allow = allowedMethods(app.routes, c.req.path);
    const error =
      allow.length > 0
        ? new MethodNotAllowedError(allow)
        : new NotFoundError(`No route for ${c.req.method} ${c.req.path}`);
    return errorResponse(error, c.var.requestId);
  });

  app.onError(handleError);

  return app;
}
