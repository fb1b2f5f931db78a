import type { OpenAPIHono } from "@hono/zod-openapi";
import { Hono } from "hono";
import { ACCESS_TOKEN_TTL_SECONDS, inWords } from "./domains/auth/auth.values";
import type { AppEnv } from "./http/app-env";
import {
  anyClientProblem,
  documentedProblem,
  EDGE_HEADER_COMPONENTS,
  EDGE_PARAMETER_COMPONENTS,
  EDGE_PARAMETERS,
  PUBLIC_SECURITY,
  withEdgeHeaders,
} from "./http/openapi";
import { INTERNAL_ERROR, MisconfiguredError, NotFoundError } from "./lib/errors";

export const OPENAPI_PATH = "/api/v1/openapi.json";
export const DOCS_PATH = "/docs";
/** The OAuth2 token endpoint: the password grant and the refresh grant. */
const TOKEN_URL = "/api/v1/auth/login";
/** Served by Workers static assets: the bundle is copied from node_modules, init.js is ours. */
export const SCALAR_BUNDLE_PATH = "/docs/vendor/scalar/standalone.js";
export const DOCS_INIT_PATH = "/docs/init.js";

const DESCRIPTION = `A small store at the edge: users, a product catalog with stock, and orders that never oversell.

Every error is an RFC 9457 \`application/problem+json\` body with a stable \`code\`. Lists are
cursor-paginated (\`limit\`, \`cursor\`, \`next_cursor\`, \`Link: rel="next"\`).

**HEAD and OPTIONS.** Every \`GET\` operation also answers \`HEAD\` with the same status and
headers and no body (the router sends HEAD to the GET handler). An \`OPTIONS\` request carrying
\`Access-Control-Request-Method\` is a CORS preflight, answered for the configured origins;
a plain \`OPTIONS\` is answered by operations that declare it, with \`Allow\`. A method a path
does not serve gets 405 with \`Allow\`.

**Authorize** on this page logs in with the OAuth2 password flow (\`POST /api/v1/auth/login\`,
form \`username\` and \`password\`); operations that need a user then send the access token as
\`Authorization: Bearer <token>\`. Its refresh uses the refresh grant of the same endpoint
(form \`grant_type=refresh_token\`, \`refresh_token\`).`;

/**
 * Serves the generated OpenAPI 3.1 document and declares its security schemes. The
 * operations of `lazyRouters` (mounted, their paths in full) join the document on its first
 * request, which imports the routers no request has needed yet (see mountLazily), after
 * the ones `app` already has (health) and before the document's own two.
 */
export function registerOpenApiDocument(
  app: OpenAPIHono<AppEnv>,
  lazyRouters: () => Promise<OpenAPIHono<AppEnv>[]>,
): void {
  app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    bearerFormat: "JWT",
    description: `Access token from POST /api/v1/auth/login (${inWords(ACCESS_TOKEN_TTL_SECONDS)}). Refused with 401 \`invalid_token\` once expired, or from the request after its login (session) was revoked: logout, password reset or change, refresh token reuse, deactivation.`,
  });
  app.openAPIRegistry.registerComponent("securitySchemes", "oauth2Password", {
    type: "oauth2",
    description:
      "OAuth2 password flow: the docs page's Authorize button logs in with it, and refreshes with the refresh grant (RFC 6749 §6) at the same token endpoint.",
    flows: {
      password: { tokenUrl: TOKEN_URL, refreshUrl: TOKEN_URL, scopes: {} },
    },
  });
  for (const [name, parameter] of Object.entries(EDGE_PARAMETER_COMPONENTS)) {
    app.openAPIRegistry.registerComponent("parameters", name, parameter);
  }
  for (const [name, header] of Object.entries(EDGE_HEADER_COMPONENTS)) {
    app.openAPIRegistry.registerComponent("headers", name, header);
  }
  let registered: Promise<void> | undefined;
  const registerAll = async () => {
    for (const routes of await lazyRouters()) {
      for (const definition of routes.openAPIRegistry.definitions) {
        // Routers register operations only; anything else would be silently dropped here.
        if (definition.type !== "route") throw new Error(`${definition.type} in a router`);
        app.openAPIRegistry.registerPath(definition.route);
      }
    }
    registerDocsOperations(app);
  };
  // Not app.doc31(): it answers a generator error with the raw error as JSON. Thrown here,
  // the error reaches app.onError like any other and becomes a 500 problem. The document
  // cannot change once the app is built, so it is generated once; only `servers` (this
  // request's origin) differs per request.
  let document: ReturnType<typeof generate> | undefined;
  app.get(OPENAPI_PATH, async (c) => {
    registered ??= registerAll();
    await registered;
    document ??= generate(app);
    const { openapi, info, ...rest } = document;
    const servers = [{ url: new URL(c.req.url).origin, description: "This deployment" }];
    return c.json({ openapi, info, servers, ...rest });
  });
}

/** The generator throws plain objects (not Errors), which would bypass app.onError. */
function generate(app: OpenAPIHono<AppEnv>) {
  try {
    return app.getOpenAPI31Document(DOCUMENT_CONFIG);
  } catch (error) {
    if (error instanceof Error) throw error;
    throw new Error(`OpenAPI document generation failed: ${JSON.stringify(error)}`);
  }
}

const DOCUMENT_CONFIG = {
  openapi: "3.1.0",
  info: {
    title: "Edge Store API",
    version: "1.0.0",
    description: DESCRIPTION,
    contact: { name: "Edge Store API team" },
    // No licence has been granted for this API (the package is private): all rights
    // reserved. SPDX has no identifier for that, so a LicenseRef- names it.
    license: { name: "Proprietary: all rights reserved", identifier: "LicenseRef-Proprietary" },
  },
  tags: [
    { name: "Health", description: "Liveness and readiness probes" },
    { name: "Docs", description: "This document and its interactive reference" },
    { name: "Auth", description: "Registration, login, tokens and password reset" },
    { name: "Users", description: "Your account, and user administration for admins" },
    { name: "Products", description: "The catalog" },
    { name: "Orders", description: "Placing and managing orders" },
    {
      name: "Admin",
      description: "Operators: the mail outbox and the emails the queue gave up on",
    },
  ],
};

/** The two routes below are plain Hono routes (not Zod-validated), so they are described here. */
function registerDocsOperations(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerPath({
    method: "get",
    path: OPENAPI_PATH,
    tags: ["Docs"],
    operationId: "getOpenApiDocument",
    summary: "OpenAPI document",
    security: PUBLIC_SECURITY,
    description: "This OpenAPI 3.1 document, generated from the routes' Zod schemas.",
    parameters: EDGE_PARAMETERS,
    responses: withEdgeHeaders({
      200: {
        description: "The OpenAPI 3.1 document",
        content: {
          "application/json": {
            schema: {
              type: "object",
              description: "An OpenAPI 3.1 document",
              example: { openapi: "3.1.0", info: { title: "Edge Store API", version: "1.0.0" } },
            },
          },
        },
      },
      "4XX": anyClientProblem(),
      500: documentedProblem(500, [INTERNAL_ERROR]),
      503: documentedProblem(503, [MisconfiguredError]),
    }),
  });
  app.openAPIRegistry.registerPath({
    method: "get",
    path: DOCS_PATH,
    tags: ["Docs"],
    operationId: "getDocsPage",
    summary: "Interactive API reference",
    security: PUBLIC_SECURITY,
    description:
      "An HTML page (Scalar) that renders this document and can send requests; Authorize logs in with the OAuth2 password flow. Its scripts are served by this Worker, not a CDN.",
    parameters: EDGE_PARAMETERS,
    responses: withEdgeHeaders({
      200: {
        description: "The reference page",
        content: { "text/html": { schema: { type: "string" } } },
      },
      "4XX": anyClientProblem(),
      500: documentedProblem(500, [INTERNAL_ERROR]),
    }),
  });
}

/**
 * The page's policy: scripts only from this origin (the bundle and init.js are static
 * assets; nothing inline, no eval); requests only to this origin. Styles may be inline:
 * the bundle injects <style> elements at runtime and Vue binds style attributes.
 */
const DOCS_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Edge Store API reference</title>
<link rel="icon" href="data:,">
</head>
<body>
<div id="reference"></div>
<script src="${SCALAR_BUNDLE_PATH}"></script>
<script src="${DOCS_INIT_PATH}"></script>
</body>
</html>
`;

/** The interactive reference; its scripts are served by this Worker's static assets. */
export const docsRoutes = new Hono<AppEnv>()
  .get(DOCS_PATH, (c) => {
    c.header("Content-Security-Policy", DOCS_CONTENT_SECURITY_POLICY);
    return c.html(DOCS_PAGE);
  })
  // The Worker runs first for every request (wrangler.toml `run_worker_first`), so the
  // page's scripts get the same middleware as the API: X-Request-Id, security headers,
  // request log. The asset's own headers (ETag, caching, public/_headers) are kept.
  .get(`${DOCS_PATH}/*`, async (c) => {
    const asset = await c.env.ASSETS?.fetch(c.req.raw);
    if (!asset || asset.status === 404) {
      throw new NotFoundError(`No asset at ${c.req.path}`);
    }
    // Responses from a binding have immutable headers; middleware must be able to add its own.
    return new Response(asset.body, asset);
  });
