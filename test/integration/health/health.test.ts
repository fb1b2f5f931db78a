import { describe, expect, it } from "vitest";
import { api, json } from "../../helpers/http";

describe("health", () => {
  it("GET /health is alive without touching anything", async () => {
    const res = await api("/health");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok" });
  });

  it("GET /health/ready reports every check ok on a migrated database", async () => {
    const res = await api("/health/ready");
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({
      status: "ready",
      checks: { database: "ok", migrations: "ok", config: "ok" },
    });
  });
});
