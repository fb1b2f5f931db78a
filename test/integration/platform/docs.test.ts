import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { DOCS_INIT_PATH, OPENAPI_PATH, SCALAR_BUNDLE_PATH } from "../../../src/docs";
import { api } from "../../helpers/http";

function directives(policy: string | null): Map<string, string[]> {
  return new Map(
    (policy ?? "")
      .split(";")
      .map((part) => part.trim().split(/\s+/))
      .filter(([name]) => name)
      .map(([name, ...values]) => [name as string, values]),
  );
}

describe("GET /docs", () => {
  it("is an HTML page that loads the reference from this origin only", async () => {
    const res = await api("/docs");
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toMatch(/^text\/html/);
    const html = await res.text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.map(([, attributes]) => /src="([^"]+)"/.exec(attributes ?? "")?.[1])).toEqual([
      SCALAR_BUNDLE_PATH,
      DOCS_INIT_PATH,
    ]);
    // No inline code: the policy below allows none.
    expect(scripts.every(([, , body]) => body?.trim() === "")).toBe(true);
    expect(html).not.toMatch(/https?:\/\//);
    // An element with id="api-reference" makes the bundle mount a second, unconfigured copy.
    expect(html).not.toContain('id="api-reference"');
  });

  it("has a strict Content-Security-Policy: scripts and requests only to 'self', nothing inline", async () => {
    const res = await api("/docs");
    const policy = directives(res.headers.get("Content-Security-Policy"));
    expect(policy.get("default-src")).toEqual(["'none'"]);
    expect(policy.get("script-src")).toEqual(["'self'"]);
    expect(policy.get("connect-src")).toEqual(["'self'"]);
    expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
    expect(policy.get("base-uri")).toEqual(["'none'"]);
    for (const [name, values] of policy) {
      expect(values.join(" "), name).not.toMatch(/https?:|\*|'unsafe-eval'/);
    }
  });

  it("carries the security headers", async () => {
    const res = await api("/docs");
    expect(res.headers.get("X-Frame-Options")).toBe("DENY");
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("Referrer-Policy")).toBe("no-referrer");
    expect(res.headers.get("Strict-Transport-Security")).toContain("max-age=");
  });
});

// The Worker serves these from ASSETS (run_worker_first); public/_headers puts the security
// headers on the files themselves as well. (npm test copies the vendor bundle first: pretest.)
describe("docs static assets", () => {
  const asset = (path: string) => {
    if (!env.ASSETS) throw new Error("the ASSETS binding is missing (wrangler.toml [assets])");
    return env.ASSETS.fetch(`http://localhost${path}`);
  };

  it.each([DOCS_INIT_PATH, SCALAR_BUNDLE_PATH])(
    "%s is served as JavaScript with the security headers",
    async (path) => {
      const res = await asset(path);
      expect(res.status).toBe(200);
      expect(res.headers.get("Content-Type")).toMatch(/^(text|application)\/javascript/);
      expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(res.headers.get("X-Frame-Options")).toBe("DENY");
      expect(res.headers.get("Referrer-Policy")).toBe("no-referrer");
      expect(res.headers.get("Strict-Transport-Security")).toContain("max-age=");
      await res.body?.cancel();
    },
  );

  it.each([DOCS_INIT_PATH, SCALAR_BUNDLE_PATH])(
    "%s through the Worker carries X-Request-Id and the security headers",
    async (path) => {
      const res = await api(path, { headers: { "X-Request-Id": "asset-check-1" } });
      expect(res.status).toBe(200);
      expect(res.headers.get("Content-Type")).toMatch(/^(text|application)\/javascript/);
      expect(res.headers.get("X-Request-Id")).toBe("asset-check-1");
      expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(res.headers.get("X-Frame-Options")).toBe("DENY");
      await res.body?.cancel();
    },
  );

  it("an unknown file under /docs is a 404 problem", async () => {
    const res = await api("/docs/no-such-file.js");
    expect(res.status).toBe(404);
    expect(res.headers.get("Content-Type")).toBe("application/problem+json");
    expect(res.headers.get("X-Request-Id")).toBeTruthy();
  });

  it("init.js points the reference at this API's document and keeps everything on this origin", async () => {
    const script = await (await asset(DOCS_INIT_PATH)).text();
    expect(script).toContain(`url: "${OPENAPI_PATH}"`);
    expect(script).toContain("withDefaultFonts: false");
    expect(script).toContain("telemetry: false");
    expect(script).not.toMatch(/proxyUrl|https?:\/\//);
  });
});
