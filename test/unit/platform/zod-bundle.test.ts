import { describe, expect, it } from "vitest";
// zod's own entry by path, so no alias can swap it for the module under test.
import * as zod from "../../../node_modules/zod/index.js";
import * as compiler from "../../../node_modules/zod/v4/core/compile.js";
import * as bundled from "../../../src/lib/zod-bundle";

/** What the bundle leaves out on purpose (src/lib/zod-bundle/index.ts says why). */
const LEFT_OUT = new Set(["locales", "fromJSONSchema", ...Object.keys(compiler)]);
const exceptLeftOut = (names: string[]) => names.filter((name) => !LEFT_OUT.has(name)).sort();

// The Worker bundle aliases "zod" to src/lib/zod-bundle (wrangler.toml [alias]): a zod
// upgrade that adds an export must add it there too, or the deployed Worker would lack it.
describe("zod as bundled (src/lib/zod-bundle)", () => {
  it("exports everything zod's entry exports but what it leaves out on purpose", () => {
    expect(Object.keys(bundled).sort()).toEqual(exceptLeftOut(Object.keys(zod)));
    expect(Object.keys(bundled.core).sort()).toEqual(exceptLeftOut(Object.keys(zod.core)));
  });

  it("has no locales, and still words its messages in English", () => {
    expect("locales" in bundled).toBe(false);
    expect("locales" in bundled.core).toBe(false);
    const result = bundled.z.string().safeParse(1);
    expect(result.error?.issues[0]?.message).toBe(
      "Invalid input: expected string, received number",
    );
  });
});
