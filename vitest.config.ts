import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Tests run inside workerd with the bindings from wrangler.toml; D1 is migrated with the
// same SQL files production uses (test/setup/apply-migrations.ts).
export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(import.meta.dirname, "migrations"));
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            APP_ENV: "test",
            // 32+ bytes, base64url: the settings refuse anything weaker.
            JWT_SECRET: "dGVzdC1zZWNyZXQtdGhhdC1pcy1sb25nLWVub3VnaC0wMTIzNDU2Nzg5",
            // Seals the outbox's secrets (the suite's own key, not the development fallback).
            OUTBOX_KEY: "dGVzdC1vdXRib3gta2V5LXRoYXQtaXMtbG9uZy1lbm91Z2gtMDEyMzQ1Njc4OQ",
            JWT_ISSUER: "http://localhost:8787",
            JWT_AUDIENCE: "edge-store-api",
            // The edge cache is off for the suite: tests that list, write and list again
            // must read D1. The cache's own tests turn it on for their requests.
            CATALOG_CACHE_TTL_SECONDS: "0",
            TEST_MIGRATIONS: migrations,
          },
        },
      }),
    ],
    test: {
      setupFiles: ["./test/setup/apply-migrations.ts"],
      include: ["test/**/*.test.ts"],
      // Request logs are useful when a test fails, noise when it passes.
      silent: "passed-only" as const,
      // Tests assert behaviour, not speed (speed goals live in npm run bench): the default 5 s
      // fails tests that send dozens of requests when the machine is busy, not when the code
      // is wrong.
      testTimeout: 30_000,
    },
  };
});
