import { describe, expect, it } from "vitest";
import { api, json } from "../../helpers/http";

// biome-ignore lint/suspicious/noExplicitAny: a parsed JSON document, walked by the assertions
type Json = Record<string, any>;

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch"];

async function operations(): Promise<{ document: Json; list: [string, Json][] }> {
  const document = await json<Json>(await api("/api/v1/openapi.json"));
  const list: [string, Json][] = [];
  for (const [path, item] of Object.entries(document.paths as Json)) {
    for (const method of METHODS) {
      if (item[method]) list.push([`${method.toUpperCase()} ${path}`, item[method]]);
    }
  }
  return { document, list };
}

describe("OpenAPI: the edge headers on every operation", () => {
  it("declares X-D1-Bookmark once, as an optional header with an example", async () => {
    const { document } = await operations();
    expect(document.components.parameters.D1Bookmark).toMatchObject({
      name: "X-D1-Bookmark",
      in: "header",
      required: false,
    });
    expect(document.components.parameters.D1Bookmark.example).toEqual(expect.any(String));
  });

  it("declares traceparent once, as an optional header with an example of the W3C format", async () => {
    const { document } = await operations();
    expect(document.components.parameters.Traceparent).toMatchObject({
      name: "traceparent",
      in: "header",
      required: false,
    });
    const format = /^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$/;
    expect(document.components.parameters.Traceparent.example).toMatch(format);
    expect(document.components.headers.Traceparent.schema.example).toMatch(format);
  });

  it("every operation takes X-D1-Bookmark and traceparent, and every response documents Server-Timing, X-D1-Bookmark and traceparent", async () => {
    const { document, list } = await operations();
    const resolve = (header: Json | undefined): Json | undefined =>
      typeof header?.$ref === "string"
        ? document.components.headers[header.$ref.replace("#/components/headers/", "")]
        : header;
    expect(list.length).toBeGreaterThan(20);
    const missing: string[] = [];
    for (const [name, operation] of list) {
      const refs = (operation.parameters ?? []).map((p: Json) => p.$ref);
      for (const parameter of ["D1Bookmark", "Traceparent"]) {
        if (!refs.includes(`#/components/parameters/${parameter}`)) {
          missing.push(`${name}: ${parameter} parameter`);
        }
      }
      for (const [status, response] of Object.entries(operation.responses as Json)) {
        for (const header of ["Server-Timing", "X-D1-Bookmark", "traceparent"]) {
          const documented = resolve((response as Json).headers?.[header]);
          if (!documented?.schema?.example) missing.push(`${name} ${status}: ${header}`);
        }
      }
    }
    expect(missing).toEqual([]);
  });
});
