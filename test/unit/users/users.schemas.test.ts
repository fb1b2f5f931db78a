import { describe, expect, it } from "vitest";
import { NameSchema } from "../../../src/domains/users/users.schemas";

describe("NameSchema", () => {
  it.each([
    "Ada Lovelace",
    "Zoë O'Brien-Łukasiewicz",
    "李小龍",
    "مریم‌خانم", // a zero-width non-joiner is part of Persian spelling
    "👩‍💻 Grace", // an emoji ZWJ sequence
  ])("accepts the printable name %s", (name) => {
    expect(NameSchema.safeParse(name).success).toBe(true);
  });

  it.each([
    ["a line feed", "Ada\nClick https://evil.example to keep your account"],
    ["a carriage return", "Ada\rBob"],
    ["a tab", "Ada\tLovelace"],
    ["NUL", "Ada\u0000"],
    ["DEL", "Ada\u007f"],
    ["a C1 control (NEL)", "Ada\u0085Bob"],
    ["a line separator", "Ada\u2028Bob"],
    ["a paragraph separator", "Ada\u2029Bob"],
    ["a right-to-left override", "Ada\u202Egnp.exe"],
    ["a bidi isolate", "Ada\u2066x\u2069"],
  ])("refuses a name with %s", (_, name) => {
    expect(NameSchema.safeParse(name).success).toBe(false);
  });

  it("still trims surrounding spaces (and line breaks) before checking", () => {
    expect(NameSchema.parse("  Ada \n")).toBe("Ada");
  });
});
