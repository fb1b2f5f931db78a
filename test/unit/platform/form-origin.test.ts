import { describe, expect, it } from "vitest";
import { type FormRequest, isFormOriginAllowed } from "../../../src/http/form-origin";

const FORM = "application/x-www-form-urlencoded";
const base: FormRequest = {
  contentType: FORM,
  origin: undefined,
  secFetchSite: undefined,
  ownOrigin: "https://api.example.com",
  allowedOrigins: ["https://shop.example.com"],
};
const allowed = (overrides: Partial<FormRequest>) => isFormOriginAllowed({ ...base, ...overrides });

describe("isFormOriginAllowed", () => {
  it.each([
    ["this API's own origin (the docs page)", { origin: "https://api.example.com" }],
    ["an origin in CORS_ORIGINS", { origin: "https://shop.example.com" }],
    ["Sec-Fetch-Site: same-origin", { secFetchSite: "same-origin", origin: "https://x.test" }],
    ["Sec-Fetch-Site: none (typed by the user)", { secFetchSite: "none" }],
    ["a non-browser client (neither header)", {}],
    [
      "JSON from anywhere (CORS guards it)",
      { contentType: "application/json", origin: "https://evil.test" },
    ],
  ])("accepts %s", (_, overrides) => {
    expect(allowed(overrides)).toBe(true);
  });

  it.each([
    ["another site's form", { origin: "https://evil.test", secFetchSite: "cross-site" }],
    ["another site's form, Origin only", { origin: "https://evil.test" }],
    ["a sandboxed page (Origin: null)", { origin: "null" }],
    ["a sibling subdomain", { origin: "https://evil.example.com", secFetchSite: "same-site" }],
    ["a cross-site request hiding its Origin", { secFetchSite: "cross-site" }],
    [
      "multipart from another site",
      { contentType: "multipart/form-data; boundary=x", origin: "https://evil.test" },
    ],
    ["text/plain from another site", { contentType: "text/plain", origin: "https://evil.test" }],
  ])("refuses %s", (_, overrides) => {
    expect(allowed(overrides)).toBe(false);
  });
});
