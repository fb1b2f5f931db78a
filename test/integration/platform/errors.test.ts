import { z } from "@hono/zod-openapi";
import { describe, expect, it } from "vitest";
import { defineRoute } from "../../../src/http/openapi";
import type { Problem } from "../../../src/http/problem";
import { api, json } from "../../helpers/http";
import { createProbeApp, PROBE_SECRET, send } from "./probe-app";

const PROBLEM_KEYS = ["code", "detail", "instance", "status", "title", "type"];

/** Every error body is RFC 9457 problem+json whose instance is the response's request id. */
async function expectProblem(res: Response, status: number, code: string): Promise<Problem> {
  expect(res.status).toBe(status);
  expect(res.headers.get("Content-Type")).toBe("application/problem+json");
  const problem = await json<Problem>(res);
  expect(problem).toMatchObject({ status, code, type: `/problems/${code.replaceAll("_", "-")}` });
  expect(
    Object.keys(problem)
      .filter((key) => key !== "errors")
      .sort(),
  ).toEqual(PROBLEM_KEYS);
  expect(problem.title).not.toBe("");
  expect(problem.detail).not.toBe("");
  expect(problem.instance).toBe(res.headers.get("X-Request-Id"));
  return problem;
}

const app = createProbeApp();
const jsonPost = (body: string, contentType = "application/json"): RequestInit => ({
  method: "POST",
  headers: { "Content-Type": contentType },
  body,
});

describe("unknown paths and methods", () => {
  it("an unknown path is a 404 problem", async () => {
    const res = await api("/api/v1/no-such-thing");
    await expectProblem(res, 404, "not_found");
  });

  it("an unknown path outside /api is a 404 problem too", async () => {
    await expectProblem(await api("/no-such-page"), 404, "not_found");
  });

  it("a trailing slash is another path: 404, not a 405 that allows the very method sent", async () => {
    await expectProblem(await api("/health/"), 404, "not_found");
    await expectProblem(await api("/api/v1/products/"), 404, "not_found");
  });

  it("a method the path does not serve is a 405 problem with Allow", async () => {
    const res = await api("/health", { method: "DELETE" });
    await expectProblem(res, 405, "method_not_allowed");
    expect(res.headers.get("Allow")).toBe("GET, HEAD");
  });

  it("HEAD is answered by the GET handler: same status and headers, no body", async () => {
    const res = await api("/health", { method: "HEAD" });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toBe("application/json");
    expect(res.headers.get("X-Request-Id")).toBeTruthy();
    expect(await res.text()).toBe("");
  });
});

describe("request bodies", () => {
  it("accepts a valid JSON body (the probe route works)", async () => {
    const res = await send(app, "/api/v1/_probe", jsonPost('{"name":"Blue mug","quantity":2}'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: "Blue mug", quantity: 2 });
  });

  it("a body over 64 KiB is a 413 problem", async () => {
    const body = JSON.stringify({ name: "x".repeat(64 * 1024), quantity: 1 });
    const res = await send(app, "/api/v1/_probe", jsonPost(body));
    await expectProblem(res, 413, "payload_too_large");
  });

  it("a body over 64 KiB without Content-Length (streamed) is a 413 problem too", async () => {
    const bytes = new TextEncoder().encode(JSON.stringify({ name: "x".repeat(70_000) }));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let offset = 0; offset < bytes.length; offset += 8192) {
          controller.enqueue(bytes.slice(offset, offset + 8192));
        }
        controller.close();
      },
    });
    const res = await send(app, "/api/v1/_probe", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: stream,
    });
    expect(res.status).toBe(413);
  });

  it("a body of exactly 64 KiB is not too large (it reaches validation)", async () => {
    const overhead = JSON.stringify({ name: "", quantity: 1 }).length;
    const body = JSON.stringify({ name: "x".repeat(64 * 1024 - overhead), quantity: 1 });
    expect(body.length).toBe(64 * 1024);
    const res = await send(app, "/api/v1/_probe", jsonPost(body));
    const problem = await expectProblem(res, 422, "validation_failed");
    expect(problem.errors?.map((error) => error.path)).toEqual(["name"]);
  });

  it("malformed JSON is a 400 problem", async () => {
    const res = await send(app, "/api/v1/_probe", jsonPost('{"name": "Blue mug",'));
    await expectProblem(res, 400, "malformed_json");
  });

  it("a content type other than JSON is a 415 problem", async () => {
    const res = await send(app, "/api/v1/_probe", jsonPost("name=Blue+mug", "text/plain"));
    await expectProblem(res, 415, "unsupported_media_type");
  });

  it("a body without a content type is a 415 problem", async () => {
    const res = await send(app, "/api/v1/_probe", {
      method: "POST",
      body: new TextEncoder().encode('{"name":"Blue mug","quantity":1}'),
    });
    await expectProblem(res, 415, "unsupported_media_type");
  });

  it("Zod failures are one 422 problem with an entry {path, message, code} per field", async () => {
    const res = await send(
      app,
      "/api/v1/_probe",
      jsonPost(JSON.stringify({ name: "", quantity: 0.5, role: "admin" })),
    );
    const problem = await expectProblem(res, 422, "validation_failed");
    const errors = problem.errors ?? [];
    for (const error of errors) {
      expect(Object.keys(error).sort()).toEqual(["code", "message", "path"]);
      expect(error.message).not.toBe("");
    }
    expect(errors.map(({ path, code }) => ({ path, code }))).toEqual(
      expect.arrayContaining([
        { path: "name", code: "too_small" },
        { path: "quantity", code: "invalid_type" },
        { path: "role", code: "unrecognized_keys" },
      ]),
    );
  });
});

describe("routes that accept JSON or a form (like login)", () => {
  it("validates a JSON body", async () => {
    const res = await send(app, "/api/v1/_probe-form", jsonPost('{"name":"Mug","quantity":3}'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: "Mug", quantity: 3 });
  });

  it("validates a form body", async () => {
    const res = await send(app, "/api/v1/_probe-form", {
      method: "POST",
      body: new URLSearchParams({ name: "Mug", quantity: "3" }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ name: "Mug", quantity: 3 });
  });

  it("rejects an invalid form body with 422", async () => {
    const res = await send(app, "/api/v1/_probe-form", {
      method: "POST",
      body: new URLSearchParams({ name: "", quantity: "3" }),
    });
    const problem = await expectProblem(res, 422, "validation_failed");
    expect(problem.errors?.map((error) => error.path)).toEqual(["name"]);
  });

  it("rejects another content type with 415", async () => {
    const res = await send(app, "/api/v1/_probe-form", jsonPost("name=Mug", "text/plain"));
    await expectProblem(res, 415, "unsupported_media_type");
  });
});

describe("media types are matched exactly", () => {
  it.each([
    "application/vnd.api+json",
    "application/merge-patch+json",
    "application/problem+json",
    "text/json",
  ])("%s is a 415 on a JSON operation", async (contentType) => {
    const res = await send(
      app,
      "/api/v1/_probe",
      jsonPost('{"name":"a","quantity":1}', contentType),
    );
    await expectProblem(res, 415, "unsupported_media_type");
  });

  it("parameters do not matter: application/json; charset=utf-8 is JSON", async () => {
    const res = await send(
      app,
      "/api/v1/_probe",
      jsonPost('{"name":"a","quantity":1}', "application/json; charset=utf-8"),
    );
    expect(res.status).toBe(200);
  });

  it("multipart is a 415 where only a urlencoded form is declared, and the detail names both types", async () => {
    const form = new FormData();
    form.set("name", "a");
    form.set("quantity", "1");
    const res = await send(app, "/api/v1/_probe-form", { method: "POST", body: form });
    const problem = await expectProblem(res, 415, "unsupported_media_type");
    expect(problem.detail).toContain("application/json");
    expect(problem.detail).toContain("application/x-www-form-urlencoded");
  });
});

describe("a write that takes no body", () => {
  const action = (init: RequestInit) =>
    send(app, "/api/v1/_probe-action", { method: "POST", ...init });

  it("accepts no body, an empty body or {}", async () => {
    expect((await action({})).status).toBe(204);
    expect((await action({ body: "" })).status).toBe(204);
    expect(
      (await action({ body: "{}", headers: { "Content-Type": "application/json" } })).status,
    ).toBe(204);
  });

  it("refuses fields (422 naming each), other media types (415) and malformed JSON (400)", async () => {
    const fields = await action({
      body: '{"reason":"x"}',
      headers: { "Content-Type": "application/json" },
    });
    const problem = await expectProblem(fields, 422, "validation_failed");
    expect(problem.errors).toEqual([
      { path: "reason", message: "Unknown field 'reason'", code: "unrecognized_keys" },
    ]);
    await expectProblem(
      await action({ body: "reason=x", headers: { "Content-Type": "text/plain" } }),
      415,
      "unsupported_media_type",
    );
    await expectProblem(
      await action({ body: "{oops", headers: { "Content-Type": "application/json" } }),
      400,
      "malformed_json",
    );
    await expectProblem(
      await action({ body: "[]", headers: { "Content-Type": "application/json" } }),
      422,
      "validation_failed",
    );
  });
});

describe("unexpected errors", () => {
  it("an unknown error in a handler is a bare 500 problem: request id as instance, no details", async () => {
    const res = await send(app, "/api/v1/_boom", { headers: { "X-Request-Id": "trace-500-abc" } });
    const text = await res.clone().text();
    const problem = await expectProblem(res, 500, "internal_error");
    expect(problem.instance).toBe("trace-500-abc");
    expect(text).not.toContain(PROBE_SECRET);
    expect(text).not.toContain("probe-app");
    expect(text).not.toMatch(/\bat \S+:\d+/);
    expect(text).not.toContain("Error:");
  });
});

describe("the OpenAPI document", () => {
  it("a route the generator cannot describe makes GET /api/v1/openapi.json a 500 problem, not a raw error", async () => {
    const broken = createProbeApp();
    broken.openapi(
      defineRoute({
        method: "get",
        path: "/api/v1/_conflict",
        description: "Declares a header the generator refuses",
        request: {
          headers: z.object({
            "x-probe": z.string().openapi({ param: { name: "X-Probe", in: "header" } }),
          }),
        },
        responses: { 204: { description: "Nothing" } },
      }),
      (c) => c.body(null, 204),
    );
    const res = await send(broken, "/api/v1/openapi.json");
    const text = await res.clone().text();
    await expectProblem(res, 500, "internal_error");
    expect(text).not.toContain("Conflicting");
  });
});
