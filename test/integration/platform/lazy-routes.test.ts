import { OpenAPIHono, z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { createApp, handleError } from "../../../src/app";
import type { AppEnv } from "../../../src/http/app-env";
import { type LazyRouter, mountLazily, routerPath } from "../../../src/http/lazy-routes";
import { API_PREFIX, defineRoute, jsonContent } from "../../../src/http/openapi";
import { NotFoundError } from "../../../src/lib/errors";
import { API_ROUTERS } from "../../../src/routers";
import { expectProblem } from "../../helpers/auth";
import { send } from "./probe-app";

describe("the API routers' paths", () => {
  // The paths are routed before a router is imported: one missing, extra or out of order
  // would be a route that 404s, a stand-in with nothing behind it, or another route winning.
  it.each(API_ROUTERS.map((router) => [Object.keys(router.paths)[0], router] as const))(
    "the router of %s serves exactly its paths, in their order",
    async (_name, router) => {
      const routes = await router.load();
      const served = routes.routes
        .map((route) => `${route.method} ${route.path}`)
        .filter((route, index, all) => route !== all[index - 1]);
      const declared = Object.values(router.paths).map(
        ({ method, path }) => `${method.toUpperCase()} ${routerPath(path)}`,
      );
      expect(served).toEqual(declared);
    },
  );
});

const PATHS = { echoItem: { method: "post", path: "/_lazy/{item_id}" } } as const;

const echoItem = defineRoute({
  ...PATHS.echoItem,
  description: "Echoes the item id and the body; item 404 does not exist",
  // A route's middleware sees what follows it as a response, errors included.
  middleware: async (c, next) => {
    await next();
    c.header("X-Seen-Status", String(c.res.status));
  },
  request: {
    params: z.object({ item_id: z.string().max(3) }),
    body: { content: jsonContent(z.object({ note: z.string() })) },
  },
  responses: {
    200: {
      description: "Echo",
      content: jsonContent(z.object({ id: z.string(), note: z.string() })),
    },
  },
});

/** The real app with one more lazily mounted router, which counts its imports. */
function appWithLazyRouter() {
  const imports = { count: 0 };
  const router: LazyRouter = {
    paths: PATHS,
    load: async () => {
      imports.count += 1;
      return new OpenAPIHono<AppEnv>().openapi(echoItem, (c) => {
        const id = c.req.valid("param").item_id;
        if (id === "404") throw new NotFoundError("No item 404");
        return c.json({ id, ...c.req.valid("json") }, 200);
      });
    },
  };
  const app = createApp();
  mountLazily(app, API_PREFIX, router, handleError);
  return { app, imports };
}

const post = (note: unknown) => ({
  method: "POST",
  headers: { "Content-Type": "application/json" },
  body: JSON.stringify({ note }),
});

describe("a lazily mounted router", () => {
  it("is known to the router before it is imported: another method is 405 with Allow", async () => {
    const { app, imports } = appWithLazyRouter();
    const res = await send(app, "/api/v1/_lazy/abc");
    await expectProblem(res, 405, "method_not_allowed");
    expect(res.headers.get("Allow")).toBe("POST");
    expect(imports.count).toBe(0);
  });

  it("is imported once, on the first request for its paths, and serves it as if mounted", async () => {
    const { app, imports } = appWithLazyRouter();
    const first = await send(app, "/api/v1/_lazy/abc", post("one"));
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ id: "abc", note: "one" });
    // The app's middleware ran around it, as for any route.
    expect(first.headers.get("X-Request-Id")).toBeTruthy();
    const second = await send(app, "/api/v1/_lazy/xyz", post("two"));
    expect(await second.json()).toEqual({ id: "xyz", note: "two" });
    expect(imports.count).toBe(1);
  });

  it("validates with the app's hook: a bad parameter or body is a 422 problem", async () => {
    const { app } = appWithLazyRouter();
    await expectProblem(await send(app, "/api/v1/_lazy/abcd", post("x")), 422, "validation_failed");
    await expectProblem(await send(app, "/api/v1/_lazy/abc", post(1)), 422, "validation_failed");
  });

  it("answers an error where it is thrown, so the route's middleware sees the problem", async () => {
    const { app } = appWithLazyRouter();
    const res = await send(app, "/api/v1/_lazy/404", post("x"));
    expect(res.headers.get("X-Seen-Status")).toBe("404");
    await expectProblem(res, 404, "not_found");
  });
});
