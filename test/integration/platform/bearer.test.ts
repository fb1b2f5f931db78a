import { describe, expect, it } from "vitest";
import { createCustomer } from "../../helpers/factories";
import { api } from "../../helpers/http";

describe("the Authorization header", () => {
  it("accepts the bearer scheme in any case, as token_type 'bearer' invites", async () => {
    const user = await createCustomer();
    for (const scheme of ["Bearer", "bearer", "BEARER"]) {
      const res = await api("/api/v1/users/me", {
        headers: { Authorization: `${scheme} ${user.token}` },
      });
      expect(res.status, scheme).toBe(200);
    }
  });

  it("challenges without an error code when no credentials were sent (RFC 6750 §3.1)", async () => {
    const res = await api("/api/v1/users/me");
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toBe('Bearer realm="api"');
  });

  it("says invalid_token when a token was sent and refused", async () => {
    for (const header of ["Bearer not-a-jwt", "Basic dXNlcjpwYXNz", "Bearer"]) {
      const res = await api("/api/v1/users/me", { headers: { Authorization: header } });
      expect(res.status, header).toBe(401);
      expect(res.headers.get("WWW-Authenticate"), header).toBe(
        'Bearer realm="api", error="invalid_token"',
      );
    }
  });
});
