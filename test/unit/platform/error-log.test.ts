import { DrizzleQueryError } from "drizzle-orm/errors";
import { describe, expect, it } from "vitest";
import { errorLogFields } from "../../../src/lib/error-log";

describe("errorLogFields", () => {
  it("keeps a failed query's SQL and the driver's message but none of its bound values", () => {
    const secret = "pbkdf2-sha256$100000$c2FsdA$aGFzaA";
    const cause = new Error("D1_ERROR: UNIQUE constraint failed: users.email: SQLITE_CONSTRAINT");
    const error = new DrizzleQueryError(
      "insert into users (email, password_hash) values (?, ?)",
      ["someone@example.com", secret],
      cause,
    );
    expect(error.message).toContain(secret);

    const fields = errorLogFields(error);
    const logged = JSON.stringify(fields);
    expect(logged).not.toContain(secret);
    expect(logged).not.toContain("someone@example.com");
    expect(fields.error_message).toBe(
      "Failed query: insert into users (email, password_hash) values (?, ?)",
    );
    expect(fields.cause).toContain("UNIQUE constraint failed: users.email");
    expect(fields.stack).toMatch(/^\s*at /);
  });

  it("logs an ordinary error's name and message, and survives a thrown non-error", () => {
    expect(errorLogFields(new TypeError("boom"))).toMatchObject({
      error: "TypeError",
      error_message: "boom",
    });
    expect(errorLogFields("a string")).toEqual({ error: "unknown", error_message: null });
  });
});
