import { env } from "cloudflare:workers";
import { z } from "@hono/zod-openapi";
import { createApp } from "../../../src/app";
import { defineRoute } from "../../../src/http/openapi";
import type { Bindings } from "../../../src/settings";

/**
 * The real app (same middleware, error mapping and settings) plus probe routes that exist
 * only in tests, so the platform's behaviour is tested without depending on any domain.
 */
const ProbeBody = z
  .strictObject({
    name: z.string().min(1).max(50),
    quantity: z.number().int().min(1),
  })
  .openapi("ProbeBody", { example: { name: "Blue mug", quantity: 1 } });

const probeResponse = {
  200: {
    description: "Echo",
    content: { "application/json": { schema: ProbeBody } },
  },
};

export const PROBE_SECRET = "secret-detail-/srv/app/src/probe.ts:42";

export function createProbeApp() {
  const app = createApp();
  app.openapi(
    defineRoute({
      method: "post",
      path: "/api/v1/_probe",
      description: "Echoes a JSON body",
      request: { body: { content: { "application/json": { schema: ProbeBody } } } },
      responses: probeResponse,
    }),
    (c) => c.json(c.req.valid("json"), 200),
  );
  // Accepts JSON or a form, like the login route (OAuth2 password flow). Such a body is
  // declared `required: false`: @hono/zod-openapi then validates each media type only when
  // its Content-Type is sent (with `required: true` it would validate both).
  app.openapi(
    defineRoute({
      method: "post",
      path: "/api/v1/_probe-form",
      description: "Echoes a JSON or form body",
      request: {
        body: {
          required: false,
          content: {
            "application/json": { schema: ProbeBody },
            "application/x-www-form-urlencoded": {
              schema: z.strictObject({ name: z.string().min(1), quantity: z.coerce.number() }),
            },
          },
        },
      },
      responses: probeResponse,
    }),
    (c) => {
      const type = c.req.header("Content-Type") ?? "";
      const body = type.startsWith("application/json") ? c.req.valid("json") : c.req.valid("form");
      return c.json(body, 200);
    },
  );
  // A write that takes no body, like POST /orders/{id}/cancel.
  app.openapi(
    defineRoute({
      method: "post",
      path: "/api/v1/_probe-action",
      description: "A write that takes no body",
      responses: { 204: { description: "Done" } },
    }),
    (c) => c.body(null, 204),
  );
  app.openapi(
    defineRoute({
      method: "get",
      path: "/api/v1/_boom",
      description: "Throws an unexpected error",
      responses: { 200: probeResponse[200] },
    }),
    () => {
      throw new Error(PROBE_SECRET);
    },
  );
  return app;
}

/** Sends a request to an app built in the test, with this test run's bindings (or others). */
export function send(
  app: ReturnType<typeof createApp>,
  path: string,
  init: RequestInit = {},
  bindings: Bindings = env,
): Promise<Response> {
  return Promise.resolve(app.request(`http://localhost${path}`, init, bindings));
}
