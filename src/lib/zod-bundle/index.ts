// "zod" as the Worker bundle sees it (wrangler.toml [alias]): zod's entry without
// `z.locales`, the ~40 translations of its messages (~250 KiB minified) that nothing here
// uses. `z` escapes into @hono/zod-openapi, so the bundler cannot drop the namespace's
// unused members on its own. English, the default, stays: zod's schemas register it.
// external.ts and core.ts mirror zod's own index files minus `locales`; a zod upgrade that
// adds an export fails test/unit/platform/zod-bundle.test.ts until it is added there.
import * as z from "./external";

export * from "./external";
export { z, z as default };
