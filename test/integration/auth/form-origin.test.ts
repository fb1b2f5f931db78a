import { describe, expect, it } from "vitest";
import { expectProblem } from "../../helpers/auth";
import { createUser, uniqueIp } from "../../helpers/factories";
import { api, BASE } from "../../helpers/http";

const PASSWORD = "correct-horse-battery";

/** A form login (urlencoded, or multipart as `curl -F` sends it) from a fresh client IP. */
async function formLogin(email: string, headers: Record<string, string>, multipart = false) {
  const fields = { grant_type: "password", username: email, password: PASSWORD };
  let body = new URLSearchParams(fields).toString();
  let contentType = "application/x-www-form-urlencoded";
  if (multipart) {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.set(name, value);
    const encoded = new Response(form);
    body = await encoded.text();
    contentType = encoded.headers.get("Content-Type") ?? "";
  }
  return api("/api/v1/auth/login", {
    method: "POST",
    body,
    headers: { "Content-Type": contentType, "CF-Connecting-IP": uniqueIp(), ...headers },
  });
}

describe("form logins check Origin / Sec-Fetch-Site", () => {
  it("refuses a form posted by another site's page: 403 origin_not_allowed", async () => {
    const user = await createUser({ password: PASSWORD });
    await expectProblem(
      await formLogin(user.email, { Origin: "https://evil.test", "Sec-Fetch-Site": "cross-site" }),
      403,
      "origin_not_allowed",
    );
    await expectProblem(
      await formLogin(user.email, { Origin: "https://evil.test" }, true),
      403,
      "origin_not_allowed",
    );
  });

  it("accepts the docs page (same origin), an allowed origin and clients that send neither", async () => {
    const user = await createUser({ password: PASSWORD });
    const docs = await formLogin(user.email, { Origin: BASE, "Sec-Fetch-Site": "same-origin" });
    expect(docs.status).toBe(200);
    const shop = await formLogin(user.email, { Origin: "http://localhost:5173" });
    expect(shop.status).toBe(200);
    expect((await formLogin(user.email, {})).status).toBe(200);
  });

  it("leaves JSON logins unchanged, whatever their Origin", async () => {
    const user = await createUser({ password: PASSWORD });
    const res = await api("/api/v1/auth/login", {
      method: "POST",
      body: { email: user.email, password: PASSWORD },
      headers: { Origin: "https://evil.test", "CF-Connecting-IP": uniqueIp() },
    });
    expect(res.status).toBe(200);
  });
});
