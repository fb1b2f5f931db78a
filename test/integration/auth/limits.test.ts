import { describe, expect, it } from "vitest";
import { expectProblem } from "../../helpers/auth";
import { createUser, unique, uniqueIp } from "../../helpers/factories";
import { api } from "../../helpers/http";

const PASSWORD = "correct-horse-battery";

function register(ip: string | undefined, email = `${unique("lim")}@example.com`) {
  return api("/api/v1/auth/register", {
    method: "POST",
    body: { email, password: PASSWORD, name: "Limited" },
    headers: ip === undefined ? {} : { "CF-Connecting-IP": ip },
  });
}

/** A /64 of the documentation range no other test uses. */
function uniquePrefix64(): string {
  const group = () => Math.floor(Math.random() * 0xffff).toString(16);
  return `2001:db8:${group()}:${group()}`;
}

describe("registration: 10 per client IP per 60 s", () => {
  it("answers the 11th from one IPv4 address with 429 and Retry-After; others still register", async () => {
    const ip = uniqueIp();
    for (let i = 0; i < 10; i += 1) expect((await register(ip)).status).toBe(201);
    const limited = await register(ip);
    await expectProblem(limited, 429, "rate_limited");
    expect(limited.headers.get("Retry-After")).toBe("60");
    expect((await register(uniqueIp())).status).toBe(201);
  });

  it("counts every address of one IPv6 /64 together", async () => {
    const prefix = uniquePrefix64();
    for (let i = 1; i <= 10; i += 1) {
      expect((await register(`${prefix}:${i.toString(16)}::${i}`)).status).toBe(201);
    }
    await expectProblem(await register(`${prefix}:ffff:ffff:ffff:ffff`), 429, "rate_limited");
    expect((await register(`${uniquePrefix64()}::1`)).status).toBe(201);
  });

  it("a taken email is 409 whatever the body's password: checked before hashing", async () => {
    const user = await createUser();
    const res = await register(uniqueIp(), user.email.toUpperCase());
    await expectProblem(res, 409, "email_taken");
  });
});

describe("password change: 5 attempts per user per 60 s", () => {
  it("answers the 6th attempt with 429, even with the right password", async () => {
    const user = await createUser({ password: PASSWORD });
    const change = (current: string) =>
      api("/api/v1/users/me/password", {
        method: "POST",
        token: user.token,
        body: { current_password: current, new_password: "another-password-1" },
      });
    for (let i = 0; i < 5; i += 1) {
      await expectProblem(await change("wrong-password"), 400, "invalid_password");
    }
    const limited = await change(PASSWORD);
    await expectProblem(limited, 429, "rate_limited");
    expect(limited.headers.get("Retry-After")).toBe("60");
  });
});
