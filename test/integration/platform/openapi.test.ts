import { describe, expect, it } from "vitest";
import { createAdmin, unique } from "../../helpers/factories";
import { api, json } from "../../helpers/http";
import { operationsOf, walkOpenApi } from "./openapi-walk";

type Json = Record<string, unknown>;

async function fetchDocument(): Promise<Json> {
  const res = await api("/api/v1/openapi.json");
  expect(res.status).toBe(200);
  expect(res.headers.get("Content-Type")).toMatch(/^application\/json/);
  return res.json<Json>();
}

describe("GET /api/v1/openapi.json", () => {
  it("is an OpenAPI 3.1 document whose server is the caller's origin", async () => {
    const document = await fetchDocument();
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
    expect(document.servers).toEqual([{ url: "http://localhost", description: "This deployment" }]);
  });

  it("declares the bearer and OAuth2 password security schemes", async () => {
    const document = await fetchDocument();
    const schemes = (document.components as Json).securitySchemes as Json;
    expect(schemes.bearerAuth).toMatchObject({ type: "http", scheme: "bearer" });
    expect(schemes.oauth2Password).toMatchObject({
      type: "oauth2",
      flows: { password: { tokenUrl: "/api/v1/auth/login" } },
    });
  });

  it("documents the health and docs operations", async () => {
    const document = await fetchDocument();
    const tagged = operationsOf(document).map(({ path, method, operation }) => ({
      path,
      method,
      tags: operation.tags,
    }));
    expect(tagged).toEqual(
      expect.arrayContaining([
        { path: "/health", method: "get", tags: ["Health"] },
        { path: "/health/ready", method: "get", tags: ["Health"] },
        { path: "/docs", method: "get", tags: ["Docs"] },
        { path: "/api/v1/openapi.json", method: "get", tags: ["Docs"] },
      ]),
    );
  });

  it("every operation follows the contract's documentation rules", async () => {
    const document = await fetchDocument();
    expect(operationsOf(document).length).toBeGreaterThanOrEqual(4);
    expect(walkOpenApi(document)).toEqual([]);
  });
});

/** The documented example of `code` among an operation's `status` responses. */
function documentedExample(
  document: Json,
  path: string,
  method: string,
  status: number,
  code: string,
) {
  const operation = ((document.paths as Json)[path] as Json)[method] as Json;
  const response = (operation.responses as Json)[status] as Json;
  const media = (response.content as Json)["application/problem+json"] as Json;
  return ((media.examples as Json)[code] as Json).value as Json;
}

describe("documented problem examples", () => {
  // The examples come from the error classes the routes throw: their titles used to be the
  // status's ("Conflict") while the API answered the class's ("Email taken").
  it("carry the status, code and title the API answers with", async () => {
    const document = await fetchDocument();
    const email = `${unique("example")}@example.com`;
    const body = { email, password: "correct-horse-battery", name: "Ada" };
    await api("/api/v1/auth/register", { method: "POST", body });
    const taken = await json(await api("/api/v1/auth/register", { method: "POST", body }));
    const example = documentedExample(
      document,
      "/api/v1/auth/register",
      "post",
      409,
      "email_taken",
    );
    expect(example).toMatchObject({ status: taken.status, code: taken.code, title: taken.title });
    expect(taken.title).toBe("Email taken");

    const admin = await createAdmin();
    const self = await json(
      await api(`/api/v1/users/${admin.id}`, { method: "DELETE", token: admin.token }),
    );
    const path = "/api/v1/users/{user_id}";
    expect(documentedExample(document, path, "delete", 409, "cannot_delete_self")).toMatchObject({
      status: self.status,
      code: self.code,
      title: self.title,
    });
  });
});

describe("the walk itself", () => {
  // A document with one violation of each rule: the walk must report every one.
  const problem = (example = true) => ({
    content: {
      "application/problem+json": {
        schema: { $ref: "#/components/schemas/Problem" },
        ...(example ? { examples: { not_found: { value: {} } } } : {}),
      },
    },
  });
  const broken = {
    openapi: "3.1.0",
    components: { schemas: { Problem: { type: "object" }, Thing: { type: "object" } } },
    paths: {
      "/things/{id}": {
        get: {
          summary: "Get a thing",
          parameters: [{ name: "id", in: "path" }],
          security: [{ bearerAuth: [] }],
          responses: {
            200: {
              content: { "application/json": { schema: { $ref: "#/components/schemas/Thing" } } },
            },
            404: { content: { "application/json": { schema: { type: "object" } } } },
            500: problem(false),
          },
        },
        put: {
          tags: ["Things"],
          requestBody: { content: { "application/json": { schema: { type: "object" } } } },
          responses: { 200: { description: "ok" } },
        },
      },
    },
  };

  it("reports each violation", () => {
    expect(walkOpenApi(broken).sort()).toEqual(
      [
        "GET /things/{id}: no tags",
        "GET /things/{id}: 200 application/json has no example",
        "GET /things/{id}: 404 is not application/problem+json",
        "GET /things/{id}: 500 has no example",
        "GET /things/{id}: has parameters or a body but does not list 422",
        "GET /things/{id}: needs a user but does not list 401",
        "GET /things/{id}: needs a user but does not offer both bearerAuth and oauth2Password",
        "PUT /things/{id}: no summary",
        "PUT /things/{id}: lists no error response",
        "PUT /things/{id}: has parameters or a body but does not list 422",
        "PUT /things/{id}: request body application/json has no example",
      ].sort(),
    );
  });

  it("accepts examples on the media type or on the referenced schema", () => {
    const fixed = structuredClone(broken);
    const thing = fixed.components.schemas.Thing as Json;
    thing.example = { id: "1" };
    const get = fixed.paths["/things/{id}"].get as Json;
    get.tags = ["Things"];
    get.security = [{ bearerAuth: [] }, { oauth2Password: [] }];
    get.responses = {
      200: get.responses && (get.responses as Json)[200],
      401: problem(),
      404: problem(),
      422: problem(),
      500: problem(),
    };
    const put = fixed.paths["/things/{id}"].put as Json;
    put.summary = "Replace a thing";
    put.requestBody = {
      content: { "application/json": { schema: { type: "object" }, example: { id: "1" } } },
    };
    put.responses = { 200: { description: "ok" }, 422: problem() };
    expect(walkOpenApi(fixed)).toEqual([]);
  });
});
