// "zod" as the Worker bundle sees it (wrangler.toml [alias]): zod's entry without
// `z.locales`, the ~40 translations of its messages (~250 KiB minified), `z.fromJSONSchema`
// (builds Zod schemas from JSON Schema, 12 KiB) and the schema compiler (`z.compile`,
// `withParser` and their errors, 31 KiB), none of which anything here uses: every KiB is
// parsed at each Worker startup. `z` escapes into @hono/zod-openapi, so the bundler cannot
// drop the namespace's unused members on its own. English, the default, stays: zod's
// schemas register it. external.ts and core.ts mirror zod's own index files minus these; a
// zod upgrade that adds an export fails test/unit/platform/zod-bundle.test.ts until it is
// added there.
import * as z from "./external";

export * from "./external";
export { z, z as default };
