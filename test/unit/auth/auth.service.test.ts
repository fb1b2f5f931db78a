import { describe, expect, it } from "vitest";
import { AccessTokens } from "../../../src/domains/auth/access-tokens";
import { type AuthLimits, AuthService } from "../../../src/domains/auth/auth.service";
import { RESET_TOKEN_TTL_SECONDS } from "../../../src/domains/auth/auth.values";
import { hashOpaqueToken } from "../../../src/domains/auth/opaque-tokens";
import { SessionsService } from "../../../src/domains/auth/sessions.service";
import { MailService } from "../../../src/domains/mail/mail.service";
import { UsersService } from "../../../src/domains/users/users.service";
import { AppError } from "../../../src/lib/errors";
import { FakeClock } from "../../fakes/clock";
import {
  FakeMailQueue,
  FakeOutbox,
  RecordingMailer,
  silentLogger,
  storedData,
  testSealer,
} from "../../fakes/mail";
import { FakeLimiter } from "../../fakes/rate-limit";
import { FakeUnitOfWork } from "../../fakes/unit-of-work";
import { FakeUsersRepository } from "../../fakes/users";
import { FakeHasher, FakeRefreshTokens, FakeResetTokens } from "./fakes";

const accessTokens = new AccessTokens({
  secret: "unit-test-secret-that-is-long-enough-0123",
  issuer: "https://issuer.test",
  audience: "unit-tests",
});

type LimitOverrides = Partial<Record<keyof AuthLimits, number>>;

function setup(limits: LimitOverrides = {}) {
  const uow = new FakeUnitOfWork();
  // Starts at the real time: jose checks the access tokens' exp against the real clock.
  const clock = new FakeClock(new Date());
  const usersRepo = new FakeUsersRepository();
  const refreshTokens = new FakeRefreshTokens();
  const resetTokens = new FakeResetTokens();
  const outbox = new FakeOutbox();
  const hasher = new FakeHasher();
  const sessions = new SessionsService(refreshTokens, uow, clock);
  const users = new UsersService(usersRepo, uow, sessions, clock);
  const mail = new MailService(
    outbox,
    new FakeMailQueue(),
    new RecordingMailer(),
    clock,
    silentLogger,
    testSealer,
  );
  const limiters = {
    loginEmail: new FakeLimiter(limits.loginEmail),
    loginIp: new FakeLimiter(limits.loginIp),
    resetEmail: new FakeLimiter(limits.resetEmail),
    registerIp: new FakeLimiter(limits.registerIp),
    passwordChange: new FakeLimiter(limits.passwordChange),
  };
  const auth = new AuthService({
    users,
    sessions,
    resetTokens,
    accessTokens,
    mail,
    hasher,
    limits: limiters,
    unitOfWork: uow,
    clock,
    resetUrl: "https://shop.test/reset-password",
  });
  const ada = usersRepo.add({
    id: "user-ada",
    email: "ada@example.com",
    name: "Ada",
    passwordHash: "hash:ada-password",
  });
  return { auth, uow, clock, usersRepo, refreshTokens, resetTokens, outbox, hasher, limiters, ada };
}

async function errorOf(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => {
      throw new Error("expected a rejection");
    },
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

const credentials = (email: string, password: string) => ({
  email,
  password,
  clientIp: "10.0.0.1",
});

describe("AuthService.register", () => {
  it("creates a customer with a hashed password and a lower-cased email", async () => {
    const { auth, usersRepo } = setup();
    const user = await auth.register({
      email: " Grace@Example.COM",
      password: "pw-12345678",
      name: "Grace",
      clientIp: "ip4:10.0.0.1",
    });
    expect(user).toMatchObject({ email: "grace@example.com", role: "customer", tier: "standard" });
    expect(usersRepo.rows.get(user.id)?.passwordHash).toBe("hash:pw-12345678");
    expect(Object.keys(user)).not.toContain("passwordHash");
  });

  it("refuses a taken email with email_taken before hashing anything", async () => {
    const { auth, hasher } = setup();
    const error = await errorOf(
      auth.register({ email: "ADA@example.com", password: "x", name: "A", clientIp: "ip:none" }),
    );
    expect(error.code).toBe("email_taken");
    expect(hasher.hashCalls).toBe(0);
  });

  it("counts registrations per client IP bucket: over the limit is rate_limited, unhashed", async () => {
    const { auth, hasher, limiters } = setup({ registerIp: 2 });
    const register = (n: number, clientIp: string) =>
      auth.register({ email: `u${n}@example.com`, password: "pw-12345678", name: "U", clientIp });
    await register(1, "ip4:10.0.0.1");
    await register(2, "ip4:10.0.0.1");
    expect((await errorOf(register(3, "ip4:10.0.0.1"))).code).toBe("rate_limited");
    expect(hasher.hashCalls).toBe(2);
    await register(4, "ip4:10.0.0.2");
    expect(limiters.registerIp.keys).toEqual([
      "ip4:10.0.0.1",
      "ip4:10.0.0.1",
      "ip4:10.0.0.1",
      "ip4:10.0.0.2",
    ]);
  });
});

describe("AuthService.login", () => {
  it("issues a verifiable access token naming the session it starts", async () => {
    const { auth, refreshTokens } = setup();
    const pair = await auth.login(credentials("ADA@example.com", "ada-password"));
    expect(pair).toMatchObject({ tokenType: "bearer", expiresIn: 900 });
    expect(refreshTokens.rows.size).toBe(1);
    const [session] = [...refreshTokens.rows.values()];
    expect(await accessTokens.verify(pair.accessToken)).toEqual({
      sub: "user-ada",
      role: "customer",
      sid: session?.familyId,
    });
  });

  it("answers invalid_credentials for an unknown email after a dummy verification", async () => {
    const { auth, hasher } = setup();
    const error = await errorOf(auth.login(credentials("nobody@example.com", "ada-password")));
    expect(error.code).toBe("invalid_credentials");
    expect(hasher.dummyCalls).toBe(1);
  });

  it("answers the same invalid_credentials for a wrong password", async () => {
    const { auth, refreshTokens } = setup();
    const error = await errorOf(auth.login(credentials("ada@example.com", "wrong")));
    expect(error.code).toBe("invalid_credentials");
    expect(error.message).toBe("The email or password is incorrect");
    expect(refreshTokens.rows.size).toBe(0);
  });

  it("reveals a disabled account only to the right password", async () => {
    const { auth, usersRepo } = setup();
    usersRepo.add({
      id: "user-off",
      email: "off@example.com",
      passwordHash: "hash:pw",
      isActive: false,
    });
    expect((await errorOf(auth.login(credentials("off@example.com", "pw")))).code).toBe(
      "account_disabled",
    );
    expect((await errorOf(auth.login(credentials("off@example.com", "nope")))).code).toBe(
      "invalid_credentials",
    );
  });

  it("counts attempts per IP and per normalised email, and stops before checking a password", async () => {
    const { auth, limiters, hasher } = setup({ loginEmail: 1 });
    await errorOf(auth.login(credentials("Nobody@example.com", "x")));
    const error = await errorOf(auth.login(credentials("nobody@EXAMPLE.com", "x")));
    expect(error.code).toBe("rate_limited");
    expect(limiters.loginEmail.keys).toEqual(["nobody@example.com", "nobody@example.com"]);
    expect(limiters.loginIp.keys).toEqual(["10.0.0.1", "10.0.0.1"]);
    expect(hasher.dummyCalls).toBe(1);
  });

  it("upgrades a hash made with older parameters in the login's batch", async () => {
    const { auth, hasher, uow } = setup();
    hasher.staleHashes.add("hash:ada-password");
    await auth.login(credentials("ada@example.com", "ada-password"));
    expect(uow.commits.at(-1)).toEqual([
      "refresh_tokens.insert",
      "users.update:passwordHash,updatedAt",
    ]);
  });
});

describe("AuthService.refresh", () => {
  it("returns a new pair carrying the user's current role", async () => {
    const { auth, usersRepo } = setup();
    const pair = await auth.login(credentials("ada@example.com", "ada-password"));
    usersRepo.add({ ...(usersRepo.rows.get("user-ada") ?? { id: "", email: "" }), role: "admin" });
    const next = await auth.refresh(pair.refreshToken);
    expect((await accessTokens.verify(next.accessToken)).role).toBe("admin");
  });

  it("keeps naming the login's session in the access tokens it issues", async () => {
    const { auth } = setup();
    const pair = await auth.login(credentials("ada@example.com", "ada-password"));
    const { sid } = await accessTokens.verify(pair.accessToken);
    const next = await auth.refresh(pair.refreshToken);
    expect(sid).toEqual(expect.any(String));
    expect((await accessTokens.verify(next.accessToken)).sid).toBe(sid);
  });

  it("refuses a deactivated user and revokes the family", async () => {
    const { auth, usersRepo, refreshTokens } = setup();
    const pair = await auth.login(credentials("ada@example.com", "ada-password"));
    const ada = usersRepo.rows.get("user-ada");
    if (ada) ada.isActive = false;
    expect((await errorOf(auth.refresh(pair.refreshToken))).code).toBe("invalid_refresh_token");
    expect([...refreshTokens.rows.values()].every((row) => row.revokedAt !== null)).toBe(true);
  });
});

describe("AuthService password reset", () => {
  async function requestToken(ctx: ReturnType<typeof setup>) {
    const { mail } = await ctx.auth.requestPasswordReset("Ada@Example.com");
    return (await storedData(ctx.outbox.rows.get(mail[0] ?? ""))).token as string;
  }

  it("stores a hashed 30-minute token and its email in one batch", async () => {
    const ctx = setup();
    const { mail } = await ctx.auth.requestPasswordReset("ada@example.com");
    expect(mail).toHaveLength(1);
    expect(ctx.uow.commits.at(-1)).toEqual(["password_reset_tokens.insert", "mail_outbox.insert"]);
    const [token] = [...ctx.resetTokens.rows.values()];
    const row = ctx.outbox.rows.get(mail[0] ?? "");
    const payload = (await storedData(row)) as { token: string; reset_url: string };
    // Sealed before it reaches the outbox: the stored row shows no token.
    expect(row?.payload).toMatch(/^sealed\.v1\./);
    expect(row?.payload).not.toContain(payload.token);
    expect(token?.tokenHash).toBe(await hashOpaqueToken(payload.token));
    // The token rides in the fragment, which browsers never send to a server.
    expect(payload.reset_url).toBe(`https://shop.test/reset-password#token=${payload.token}`);
    expect(new URL(payload.reset_url).search).toBe("");
    // A security email carries no user-controlled text (the name "Ada" included).
    expect(Object.keys(payload).sort()).toEqual(["expires_minutes", "reset_url", "token"]);
    expect(Date.parse(token?.expiresAt ?? "") - ctx.clock.now().getTime()).toBe(
      RESET_TOKEN_TTL_SECONDS * 1000,
    );
  });

  it("writes nothing for an unknown or deactivated email, and still succeeds", async () => {
    const ctx = setup();
    ctx.usersRepo.add({ id: "user-off", email: "off@example.com", isActive: false });
    expect(await ctx.auth.requestPasswordReset("nobody@example.com")).toEqual({ mail: [] });
    expect(await ctx.auth.requestPasswordReset("off@example.com")).toEqual({ mail: [] });
    expect(ctx.uow.commits).toEqual([]);
  });

  it("is rate limited per email", async () => {
    const ctx = setup({ resetEmail: 1 });
    await ctx.auth.requestPasswordReset("nobody@example.com");
    const error = await errorOf(ctx.auth.requestPasswordReset("NOBODY@example.com"));
    expect(error.code).toBe("rate_limited");
  });

  it("confirms once: sets the password, revokes every session, spends other tokens", async () => {
    const ctx = setup();
    await ctx.auth.login(credentials("ada@example.com", "ada-password"));
    const other = await requestToken(ctx);
    const token = await requestToken(ctx);
    await ctx.auth.confirmPasswordReset(token, "new-password-1");
    expect(ctx.uow.commits.at(-1)).toEqual([
      "users.update:passwordHash,updatedAt",
      "refresh_tokens.revoke_user",
      "password_reset_tokens.consume_user",
    ]);
    expect(ctx.usersRepo.rows.get("user-ada")?.passwordHash).toBe("hash:new-password-1");
    expect([...ctx.refreshTokens.rows.values()].every((row) => row.revokedAt !== null)).toBe(true);
    expect((await errorOf(ctx.auth.confirmPasswordReset(token, "again-123"))).code).toBe(
      "invalid_reset_token",
    );
    expect((await errorOf(ctx.auth.confirmPasswordReset(other, "again-123"))).code).toBe(
      "invalid_reset_token",
    );
  });

  it("refuses a token after 30 minutes", async () => {
    const ctx = setup();
    const token = await requestToken(ctx);
    ctx.clock.advanceSeconds(RESET_TOKEN_TTL_SECONDS);
    expect((await errorOf(ctx.auth.confirmPasswordReset(token, "new-password-1"))).code).toBe(
      "invalid_reset_token",
    );
    expect(ctx.usersRepo.rows.get("user-ada")?.passwordHash).toBe("hash:ada-password");
  });

  it("accepts a token just before it expires", async () => {
    const ctx = setup();
    const token = await requestToken(ctx);
    ctx.clock.advanceSeconds(RESET_TOKEN_TTL_SECONDS - 1);
    await ctx.auth.confirmPasswordReset(token, "new-password-1");
    expect(ctx.usersRepo.rows.get("user-ada")?.passwordHash).toBe("hash:new-password-1");
  });

  it("refuses a token whose user was deactivated since", async () => {
    const ctx = setup();
    const token = await requestToken(ctx);
    const ada = ctx.usersRepo.rows.get("user-ada");
    if (ada) ada.isActive = false;
    expect((await errorOf(ctx.auth.confirmPasswordReset(token, "new-password-1"))).code).toBe(
      "invalid_reset_token",
    );
  });
});

describe("AuthService.changePassword", () => {
  const login = (ctx: ReturnType<typeof setup>) =>
    ctx.auth.login(credentials("ada@example.com", "ada-password"));

  it("needs the current password", async () => {
    const { auth, usersRepo } = setup();
    const error = await errorOf(
      auth.changePassword("user-ada", "wrong", "new-password-1", undefined),
    );
    expect(error.code).toBe("invalid_password");
    expect(usersRepo.rows.get("user-ada")?.passwordHash).toBe("hash:ada-password");
  });

  it("keeps the caller's session and revokes the others, in the batch that sets the hash", async () => {
    const ctx = setup();
    const mine = await login(ctx);
    const other = await login(ctx);
    const { sid } = await accessTokens.verify(mine.accessToken);
    await ctx.auth.changePassword("user-ada", "ada-password", "new-password-1", sid);
    expect(ctx.uow.commits.at(-1)).toEqual([
      "users.update:passwordHash,updatedAt",
      "refresh_tokens.revoke_user_except",
    ]);
    expect(ctx.usersRepo.rows.get("user-ada")?.passwordHash).toBe("hash:new-password-1");
    await expect(ctx.auth.refresh(mine.refreshToken)).resolves.toMatchObject({
      tokenType: "bearer",
    });
    expect((await errorOf(ctx.auth.refresh(other.refreshToken))).code).toBe(
      "invalid_refresh_token",
    );
  });

  it("allows 5 attempts per user, then rate_limited without checking the password", async () => {
    const { auth, limiters } = setup({ passwordChange: 5 });
    for (let i = 0; i < 5; i += 1) {
      const error = await errorOf(
        auth.changePassword("user-ada", "wrong", "new-pw-123", undefined),
      );
      expect(error.code).toBe("invalid_password");
    }
    const limited = await errorOf(
      auth.changePassword("user-ada", "ada-password", "new-pw-123", undefined),
    );
    expect(limited.code).toBe("rate_limited");
    expect(limiters.passwordChange.keys.every((key) => key === "user-ada")).toBe(true);
  });

  it("revokes every session in one batch when the access token names none", async () => {
    const { auth, uow, refreshTokens } = setup();
    await auth.login(credentials("ada@example.com", "ada-password"));
    await auth.changePassword("user-ada", "ada-password", "new-password-1", undefined);
    expect(uow.commits.at(-1)).toEqual([
      "users.update:passwordHash,updatedAt",
      "refresh_tokens.revoke_user",
    ]);
    expect([...refreshTokens.rows.values()].every((row) => row.revokedAt !== null)).toBe(true);
  });
});

describe("AuthService.deleteOwnAccount", () => {
  it("needs the password: a wrong one is invalid_password and erases nothing", async () => {
    const { auth, usersRepo } = setup();
    const error = await errorOf(auth.deleteOwnAccount("user-ada", "wrong"));
    expect(error.code).toBe("invalid_password");
    expect(usersRepo.rows.has("user-ada")).toBe(true);
  });

  it("erases the account with the right password", async () => {
    const { auth, usersRepo } = setup();
    await auth.deleteOwnAccount("user-ada", "ada-password");
    expect(usersRepo.rows.has("user-ada")).toBe(false);
  });

  it("counts against the per-user password limit, before checking the password", async () => {
    const { auth, limiters, usersRepo } = setup({ passwordChange: 1 });
    await errorOf(auth.deleteOwnAccount("user-ada", "wrong"));
    const limited = await errorOf(auth.deleteOwnAccount("user-ada", "ada-password"));
    expect(limited.code).toBe("rate_limited");
    expect(limiters.passwordChange.keys).toEqual(["user-ada", "user-ada"]);
    expect(usersRepo.rows.has("user-ada")).toBe(true);
  });
});
