import { OpenAPIHono, type RouteConfig } from "@hono/zod-openapi";
import type { Context, ErrorHandler, Handler, MiddlewareHandler, Next } from "hono";
import type { AppEnv } from "./app-env";

/** Where an operation is served: its method and OpenAPI path (`/products/{product_id}`). */
export type OperationPath = { method: RouteConfig["method"]; path: string };

/** A router's operations by name (a domain's `*.paths.ts`), in the order it registers them. */
export type OperationPaths = Record<string, OperationPath>;

/**
 * A domain's router, imported on the first request for one of its paths: building its
 * schemas, validators and handlers is most of a Worker's startup, and an isolate that only
 * ever serves the catalog never needs the others.
 */
export type LazyRouter = {
  paths: OperationPaths;
  load: () => Promise<OpenAPIHono<AppEnv>>;
};

/** The router's form of an OpenAPI path, as @hono/zod-openapi registers it (`/:product_id`). */
export function routerPath(path: string): string {
  return path.replaceAll(/\/{(.+?)}/g, "/:$1");
}

/**
 * Runs a route's own handlers (its middleware, validators, then the handler) as Hono's
 * compose does inside a dispatch: a returned Response becomes the answer unless one is
 * already final; a thrown Error becomes `onError`'s answer where it was thrown (and
 * `c.error`), so the route's middleware sees a response after `next()`, as when mounted;
 * past the last handler the outer chain goes on. The request keeps the route index of the
 * stand-in that runs them, whose path is the same, so `c.req.param()` and the matched route
 * (logs, metrics) read what they read when the route was mounted.
 */
async function runFrom(
  handlers: Handler[],
  index: number,
  c: Context,
  next: Next,
  onError: ErrorHandler<AppEnv>,
): Promise<void> {
  const handler = handlers[index];
  if (!handler) return next();
  let response: Response | undefined;
  let failed = false;
  try {
    const returned = await handler(c, () => runFrom(handlers, index + 1, c, next, onError));
    if (returned instanceof Response) response = returned;
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    c.error = error;
    response = await onError(error, c);
    failed = true;
  }
  if (response && (!c.finalized || failed)) c.res = response;
}

/**
 * Routes every path of `router` under `prefix` on `app` now (so Hono's router, the 405
 * answer from `app.routes` and the route template in logs know them from the start) with a
 * stand-in that, on the first request for any of them, imports the router, mounts it under
 * `prefix` in an app of its own (with `app`'s validation hook) and then runs that route's
 * handlers, turning what they throw into `onError`'s answer (app.onError's handler). Returns that mounted app, for the OpenAPI document.
 */
export function mountLazily(
  app: OpenAPIHono<AppEnv>,
  prefix: string,
  router: LazyRouter,
  onError: ErrorHandler<AppEnv>,
): () => Promise<OpenAPIHono<AppEnv>> {
  let mounted: Promise<OpenAPIHono<AppEnv>> | undefined;
  const mount = () => {
    mounted ??= router.load().then((routes) => {
      const holder = new OpenAPIHono<AppEnv>({ defaultHook: app.defaultHook });
      return holder.route(prefix, routes);
    });
    return mounted;
  };
  for (const { method, path } of Object.values(router.paths)) {
    const verb = method.toUpperCase();
    const routed = `${prefix}${routerPath(path)}`;
    let handlers: Promise<Handler[]> | undefined;
    const standIn: MiddlewareHandler<AppEnv> = async (c, next) => {
      handlers ??= mount().then((holder) => handlersOf(holder, verb, routed));
      return runFrom(await handlers, 0, c, next, onError);
    };
    app.on(verb, routed, standIn);
  }
  return mount;
}

/** The handlers `app` registered for one method and path, in order; none is a broken promise. */
function handlersOf(app: OpenAPIHono<AppEnv>, method: string, path: string): Handler[] {
  const handlers = app.routes
    .filter((route) => route.method === method && route.path === path)
    .map((route) => route.handler as Handler);
  if (handlers.length === 0) throw new Error(`${method} ${path} is routed but its router lacks it`);
  return handlers;
}
