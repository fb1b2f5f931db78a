import { describe, expect, it } from "vitest";
import { type Bindings, loadSettings, outboxKeys, passwordResetUrl } from "../../../src/settings";

const SECRET = "dW5pdC1zZWNyZXQtMDEyMzQ1Njc4OS1hYmNkZWZnaGlqa2xtbm9w";
const OUTBOX_KEY = "dW5pdC1vdXRib3gtMDEyMzQ1Njc4OS1hYmNkZWZnaGlqa2xtbm9w";

/** Only the variables matter to settings; bindings are irrelevant here. */
function vars(values: Partial<Bindings>): Bindings {
  return {
    JWT_SECRET: SECRET,
    JWT_ISSUER: "http://localhost:8787",
    JWT_AUDIENCE: "edge-store-api",
    ...values,
  } as Bindings;
}

const productionVars = (values: Partial<Bindings> = {}) =>
  vars({
    APP_ENV: "production",
    MAILER: "http",
    MAIL_API_URL: "https://mail.example.com/send",
    MAIL_API_KEY: "key-123",
    PASSWORD_RESET_URL: "https://shop.example.com/reset-password",
    OUTBOX_KEY,
    ...values,
  });

function invalidNames(env: Bindings): string[] {
  const result = loadSettings(env);
  return result.ok ? [] : result.invalid;
}

describe("loadSettings", () => {
  it("applies the defaults for local development", () => {
    const result = loadSettings(vars({}));
    expect(result).toEqual({
      ok: true,
      settings: {
        APP_ENV: "development",
        JWT_SECRET: SECRET,
        JWT_ISSUER: "http://localhost:8787",
        JWT_AUDIENCE: "edge-store-api",
        CORS_ORIGINS: [],
        MAILER: "log",
        MAIL_FROM: "Edge Store <no-reply@localhost>",
        PUBLIC_BASE_URL: "http://localhost:8787",
        CATALOG_CACHE_TTL_SECONDS: 30,
      },
    });
  });

  it.each([
    ["0", 0],
    ["45", 45],
    [60, 60],
  ])("reads CATALOG_CACHE_TTL_SECONDS=%j as %i seconds", (value, seconds) => {
    const result = loadSettings(vars({ CATALOG_CACHE_TTL_SECONDS: value }));
    expect(result.ok && result.settings.CATALOG_CACHE_TTL_SECONDS).toBe(seconds);
  });

  it.each(["-1", "1.5", "30s", "", "86401"])("refuses CATALOG_CACHE_TTL_SECONDS=%j", (value) => {
    expect(invalidNames(vars({ CATALOG_CACHE_TTL_SECONDS: value }))).toEqual([
      "CATALOG_CACHE_TTL_SECONDS",
    ]);
  });

  it("links reset emails to PASSWORD_RESET_URL, or locally to the docs page", () => {
    const local = loadSettings(vars({ PUBLIC_BASE_URL: "http://127.0.0.1:9000" }));
    expect(local.ok && passwordResetUrl(local.settings)).toBe("http://127.0.0.1:9000/docs");
    const deployed = loadSettings(productionVars());
    expect(deployed.ok && passwordResetUrl(deployed.settings)).toBe(
      "https://shop.example.com/reset-password",
    );
  });

  it("splits CORS_ORIGINS on commas, trimming and dropping empty entries", () => {
    const result = loadSettings(vars({ CORS_ORIGINS: " https://a.example, https://b.example,, " }));
    expect(result.ok && result.settings.CORS_ORIGINS).toEqual([
      "https://a.example",
      "https://b.example",
    ]);
  });

  it("accepts a complete production configuration", () => {
    expect(invalidNames(productionVars())).toEqual([]);
  });

  it("seals the outbox with OUTBOX_KEY (and the previous one during a rotation)", () => {
    const deployed = loadSettings(productionVars({ OUTBOX_KEY_PREVIOUS: SECRET }));
    expect(deployed.ok && outboxKeys(deployed.settings)).toEqual({
      current: OUTBOX_KEY,
      previous: SECRET,
    });
  });

  it("gives development and test a working outbox key when OUTBOX_KEY is unset", () => {
    for (const APP_ENV of ["development", "test"]) {
      const local = loadSettings(vars({ APP_ENV }));
      const keys = local.ok ? outboxKeys(local.settings) : undefined;
      expect(keys?.current).toMatch(/^[A-Za-z0-9-]{43,}$/);
      expect(keys).not.toHaveProperty("previous");
    }
  });

  it("refuses the development outbox key outside development and test", () => {
    const local = loadSettings(vars({}));
    const developmentKey = local.ok ? outboxKeys(local.settings).current : "";
    expect(invalidNames(productionVars({ OUTBOX_KEY: developmentKey }))).toEqual(["OUTBOX_KEY"]);
  });

  it.each([
    ["JWT_SECRET missing", vars({ JWT_SECRET: undefined }), ["JWT_SECRET"]],
    ["JWT_SECRET under 32 characters", vars({ JWT_SECRET: "x".repeat(31) }), ["JWT_SECRET"]],
    [
      "JWT_SECRET of 31 bytes in base64url (42 characters)",
      vars({ JWT_SECRET: "A".repeat(42) }),
      ["JWT_SECRET"],
    ],
    [
      "a JWT_SECRET passphrase (spaces are not base64)",
      vars({ JWT_SECRET: "correct horse battery staple and more words to be long" }),
      ["JWT_SECRET"],
    ],
    [
      "a weak JWT_SECRET_PREVIOUS",
      vars({ JWT_SECRET_PREVIOUS: "old-password" }),
      ["JWT_SECRET_PREVIOUS"],
    ],
    ["no OUTBOX_KEY in production", productionVars({ OUTBOX_KEY: undefined }), ["OUTBOX_KEY"]],
    ["a weak OUTBOX_KEY", vars({ OUTBOX_KEY: "outbox-password" }), ["OUTBOX_KEY"]],
    [
      "a weak OUTBOX_KEY_PREVIOUS",
      productionVars({ OUTBOX_KEY_PREVIOUS: "A".repeat(42) }),
      ["OUTBOX_KEY_PREVIOUS"],
    ],
    ["JWT_ISSUER empty", vars({ JWT_ISSUER: "" }), ["JWT_ISSUER"]],
    ["JWT_AUDIENCE missing", vars({ JWT_AUDIENCE: undefined }), ["JWT_AUDIENCE"]],
    ["an unknown APP_ENV", vars({ APP_ENV: "prod" }), ["APP_ENV"]],
    ["an unknown MAILER", vars({ MAILER: "smtp" }), ["MAILER"]],
    ["MAIL_API_URL not a URL", vars({ MAIL_API_URL: "not a url" }), ["MAIL_API_URL"]],
    ["PUBLIC_BASE_URL not a URL", vars({ PUBLIC_BASE_URL: "localhost" }), ["PUBLIC_BASE_URL"]],
    [
      "PASSWORD_PEPPER under 16 characters",
      vars({ PASSWORD_PEPPER: "short" }),
      ["PASSWORD_PEPPER"],
    ],
    [
      "no PASSWORD_RESET_URL in production",
      productionVars({ PASSWORD_RESET_URL: undefined }),
      ["PASSWORD_RESET_URL"],
    ],
    [
      "a plain-http PASSWORD_RESET_URL in staging",
      productionVars({ APP_ENV: "staging", PASSWORD_RESET_URL: "http://shop.example.com/reset" }),
      ["PASSWORD_RESET_URL"],
    ],
    [
      "the development default JWT_SECRET in production",
      productionVars({ JWT_SECRET: "replace-with-at-least-32-random-bytes-base64url" }),
      ["JWT_SECRET"],
    ],
    [
      "the other development default JWT_SECRET in staging",
      productionVars({
        APP_ENV: "staging",
        JWT_SECRET: "dev-secret-change-me-dev-secret-change-me",
      }),
      ["JWT_SECRET"],
    ],
    ["the log mailer in production", productionVars({ MAILER: "log" }), ["MAILER"]],
    ["MAILER=http without a key", productionVars({ MAIL_API_KEY: undefined }), ["MAIL_API_KEY"]],
    [
      "several at once",
      productionVars({ JWT_SECRET: "short", MAILER: "log" }),
      ["JWT_SECRET", "MAILER"],
    ],
  ])("refuses %s, naming only the setting", (_label, env, names) => {
    expect(invalidNames(env).sort()).toEqual(names);
  });

  it("allows a development default secret in development and test", () => {
    const secret = "replace-with-at-least-32-random-bytes-base64url";
    expect(invalidNames(vars({ APP_ENV: "development", JWT_SECRET: secret }))).toEqual([]);
    expect(invalidNames(vars({ APP_ENV: "test", JWT_SECRET: secret }))).toEqual([]);
  });

  it("never puts a value in the result of an invalid configuration", () => {
    const secret = "leaky-secret-value";
    const result = loadSettings(productionVars({ JWT_SECRET: secret, MAIL_API_KEY: "" }));
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain(secret);
  });

  it("parses an env object once and re-parses a different one", () => {
    const env = vars({});
    expect(loadSettings(env)).toBe(loadSettings(env));
    const changed = vars({ JWT_SECRET: "short" });
    expect(loadSettings(changed).ok).toBe(false);
  });
});
