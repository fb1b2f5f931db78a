import { defineConfig } from "drizzle-kit";

// Tables are found by glob, so no runtime barrel makes db/ depend on the domains.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/domains/**/*.table.ts",
  out: "./migrations",
});
