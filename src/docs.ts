import type { OpenAPIHono } from "@hono/zod-openapi";
import { Hono } from "hono";
import type { AppEnv } from "./env";

export const OPENAPI_PATH = "/api/v1/openapi.json";

const DESCRIPTION = `A small store at the edge: users, a product catalog with stock, and orders that never oversell.

Every error is an RFC 9457 \`application/problem+json\` body with a stable \`code\`. Lists are
cursor-paginated (\`limit\`, \`cursor\`, \`next_cursor\`, \`Link: rel="next"\`).`;

/** Serves the generated OpenAPI 3.1 document and declares its security schemes. */
export function registerOpenApiDocument(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: "Access token from POST /api/v1/auth/login (15 minutes).",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "oauth2Password", {
    type: "oauth2",
    description: "OAuth2 password flow: the docs page's Authorize button logs in with it.",
    flows: { password: { tokenUrl: "/api/v1/auth/login", scopes: {} } },
  });
  app.doc31(OPENAPI_PATH, (c) => ({
    openapi: "3.1.0",
    info: { title: "Edge Store API", version: "1.0.0", description: DESCRIPTION },
    servers: [{ url: new URL(c.req.url).origin, description: "This deployment" }],
    tags: [
      { name: "Health", description: "Liveness and readiness probes" },
      { name: "Docs", description: "This document and its interactive reference" },
      { name: "Auth", description: "Registration, login, tokens and password reset" },
      { name: "Users", description: "Your account, and user administration for admins" },
      { name: "Products", description: "The catalog" },
      { name: "Orders", description: "Placing and managing orders" },
    ],
  }));
}

/** The interactive reference; its scripts are served by this Worker's static assets. */
export const docsRoutes = new Hono<AppEnv>().get("/docs", (c) =>
  c.html(`<!doctype html><html><head><title>Edge Store API</title></head><body>
<script id="api-reference" data-url="${OPENAPI_PATH}"></script>
<script src="/docs/vendor/scalar.js"></script></body></html>`),
);
