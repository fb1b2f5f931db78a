import { Hono } from "hono";
import { secureHeaders } from "hono/secure-headers";
import { describe, expect, it } from "vitest";
import type { AppEnv } from "../../../src/http/app-env";
import { securityHeaders } from "../../../src/http/security-headers";

/** The options the app gave hono/secure-headers before it had its own middleware. */
const honoSecureHeaders = secureHeaders({
  strictTransportSecurity: "max-age=63072000; includeSubDomains",
  referrerPolicy: "no-referrer",
  xFrameOptions: "DENY",
  xContentTypeOptions: "nosniff",
  crossOriginResourcePolicy: false,
  contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  overwrite: false,
});

/** One route that answers as a plain handler, one that sets its own policy, one that throws. */
function probe(middleware: typeof securityHeaders) {
  const app = new Hono<AppEnv>();
  app.use(middleware);
  app.get("/plain", (c) => c.json({ ok: true }));
  app.get("/own-policy", (c) => {
    c.header("Content-Security-Policy", "default-src 'self'");
    return c.text("page");
  });
  app.get("/boom", () => {
    throw new Error("boom");
  });
  app.onError((_error, c) => c.text("failed", 500));
  return app;
}

const headersOf = (res: Response) => Object.fromEntries(res.headers.entries());

describe("securityHeaders", () => {
  it.each(["/plain", "/own-policy", "/boom", "/missing"])(
    "answers %s with exactly the headers hono/secure-headers gave with the app's options",
    async (path) => {
      const ours = await probe(securityHeaders).request(path);
      const hono = await probe(honoSecureHeaders).request(path);
      expect(ours.status).toBe(hono.status);
      expect(headersOf(ours)).toEqual(headersOf(hono));
    },
  );

  it("keeps the Content-Security-Policy a handler set", async () => {
    const res = await probe(securityHeaders).request("/own-policy");
    expect(res.headers.get("Content-Security-Policy")).toBe("default-src 'self'");
    expect(res.headers.get("X-Frame-Options")).toBe("DENY");
  });
});
