import type { UnitOfWorkFactory } from "../../db/unit-of-work";
import { addSeconds, type Clock } from "../../lib/clock";
import { newId } from "../../lib/ids";
import type { RateLimiter } from "../../lib/rate-limit";
import type { MailService } from "../mail/mail.service";
import {
  normalizeEmail,
  type User,
  type UserCredentials,
  type UsersService,
} from "../users/users.service";
import type { AccessTokens } from "./access-tokens";
import {
  AccountDisabledError,
  InvalidCredentialsError,
  InvalidPasswordError,
  InvalidRefreshTokenError,
  InvalidResetTokenError,
} from "./auth.errors";
import type { ResetTokensRepository } from "./auth.repository";
import { ACCESS_TOKEN_TTL_SECONDS, RESET_TOKEN_TTL_SECONDS } from "./auth.values";
import { hashOpaqueToken, newOpaqueToken } from "./opaque-tokens";
import type { PasswordHasher } from "./passwords";
import type { SessionsService } from "./sessions.service";

export type TokenPair = {
  accessToken: string;
  tokenType: "bearer";
  expiresIn: number;
  refreshToken: string;
};

/** Per-key limiters; IP keys are buckets from `clientIpKey` (IPv6 per /64). */
export type AuthLimits = {
  loginEmail: RateLimiter;
  loginIp: RateLimiter;
  resetEmail: RateLimiter;
  registerIp: RateLimiter;
  passwordChange: RateLimiter;
};

export type AuthServiceDeps = {
  users: UsersService;
  sessions: SessionsService;
  resetTokens: ResetTokensRepository;
  accessTokens: AccessTokens;
  mail: MailService;
  hasher: PasswordHasher;
  limits: AuthLimits;
  unitOfWork: UnitOfWorkFactory;
  clock: Clock;
  /** The page that completes a reset; the link carries the token as `#token=`. */
  resetUrl: string;
};

/** Outbox rows committed by a call, for the caller to dispatch once it has answered. */
export type QueuedMail = { mail: string[] };

/**
 * The reset link: the token goes in the fragment, which browsers never send to a server, so
 * no access log or Referer on the way to the client page can keep it. The page reads it
 * from `location.hash`.
 */
export function resetLink(pageUrl: string, token: string): string {
  const url = new URL(pageUrl);
  url.hash = new URLSearchParams({ token }).toString();
  return url.href;
}

/** Registration, login, token refresh, logout, password reset and password change. */
export class AuthService {
  constructor(private readonly deps: AuthServiceDeps) {}

  /**
   * Limited per client IP bucket. The email is checked before hashing, so a taken email
   * costs no PBKDF2 run; the insert still refuses a duplicate that races past the check.
   */
  async register(input: {
    email: string;
    password: string;
    name: string;
    clientIp: string;
  }): Promise<User> {
    await this.deps.limits.registerIp.consume(input.clientIp);
    await this.deps.users.assertEmailAvailable(input.email);
    const passwordHash = await this.deps.hasher.hash(input.password);
    return this.deps.users.create({ email: input.email, name: input.name, passwordHash });
  }

  /**
   * Same answer and about the same time for an unknown email and a wrong password (a dummy
   * verification runs for unknown emails). A disabled account is only revealed to someone
   * who knows its password. Hashes made with older parameters are upgraded here.
   */
  async login(input: { email: string; password: string; clientIp: string }): Promise<TokenPair> {
    const email = normalizeEmail(input.email);
    await this.deps.limits.loginIp.consume(input.clientIp);
    await this.deps.limits.loginEmail.consume(email);

    const user = await this.deps.users.findCredentialsByEmail(email);
    if (!user) {
      await this.deps.hasher.verifyDummy(input.password);
      throw new InvalidCredentialsError();
    }
    const verification = await this.deps.hasher.verify(input.password, user.passwordHash);
    if (!verification.valid) throw new InvalidCredentialsError();
    if (!user.isActive) throw new AccountDisabledError();

    const now = this.deps.clock.now();
    const session = await this.deps.sessions.start(user.id, now);
    const work = this.deps.unitOfWork.begin().add(session.statement);
    if (verification.needsRehash) {
      const upgraded = await this.deps.hasher.hash(input.password);
      work.add(this.deps.users.setPasswordHash(user.id, upgraded, now));
    }
    await work.commit();
    return this.tokenPair(user, session, now);
  }

  async refresh(refreshToken: string): Promise<TokenPair> {
    const rotated = await this.deps.sessions.rotate(refreshToken, (userId) =>
      this.deps.users.activePrincipalInBatch(userId),
    );
    const principal = rotated.alongside;
    if (!principal) {
      // Deactivation revokes sessions already; this covers a race with it.
      await this.deps.sessions.revokeFamily(rotated.familyId, this.deps.clock.now());
      throw new InvalidRefreshTokenError("The account behind this refresh token is not active");
    }
    return this.tokenPair(principal, rotated, this.deps.clock.now());
  }

  logout(refreshToken: string): Promise<void> {
    return this.deps.sessions.end(refreshToken);
  }

  /**
   * Always succeeds for the caller (no enumeration). For an active account it stores a
   * single-use token (hashed) and the email carrying it, in one batch.
   */
  async requestPasswordReset(rawEmail: string): Promise<QueuedMail> {
    const email = normalizeEmail(rawEmail);
    await this.deps.limits.resetEmail.consume(email);
    const user = await this.deps.users.findCredentialsByEmail(email);
    if (!user?.isActive) return { mail: [] };

    const now = this.deps.clock.now();
    const token = newOpaqueToken();
    const message = await this.deps.mail.compose("password_reset", user.email, {
      reset_url: resetLink(this.deps.resetUrl, token),
      token,
      expires_minutes: RESET_TOKEN_TTL_SECONDS / 60,
    });
    await this.deps.unitOfWork
      .begin()
      .add(
        this.deps.resetTokens.insert({
          id: newId(),
          userId: user.id,
          tokenHash: await hashOpaqueToken(token),
          expiresAt: addSeconds(now, RESET_TOKEN_TTL_SECONDS).toISOString(),
          usedAt: null,
          createdAt: now.toISOString(),
        }),
        message.statement,
      )
      .commit();
    return { mail: [message.id] };
  }

  /**
   * Spends the token with one conditional update (of two concurrent confirms, one wins),
   * then sets the password, revokes every session and spends the user's other reset tokens
   * in one batch. Should that batch fail, the token is spent and the user asks again.
   */
  async confirmPasswordReset(rawToken: string, newPassword: string): Promise<void> {
    const now = this.deps.clock.now();
    const token = await this.deps.resetTokens.findByHash(await hashOpaqueToken(rawToken));
    if (!token || token.usedAt || token.expiresAt <= now.toISOString()) {
      throw new InvalidResetTokenError();
    }
    const user = await this.deps.users.findCredentialsById(token.userId);
    if (!user?.isActive) throw new InvalidResetTokenError();

    const passwordHash = await this.deps.hasher.hash(newPassword);
    if (!(await this.deps.resetTokens.consume(token.id, now.toISOString()))) {
      throw new InvalidResetTokenError();
    }
    await this.deps.unitOfWork
      .begin()
      .add(
        this.deps.users.setPasswordHash(user.id, passwordHash, now),
        this.deps.sessions.revokeAllForUser(user.id, now),
        this.deps.resetTokens.consumeAllForUser(user.id, now.toISOString()),
      )
      .commit();
  }

  /**
   * Needs the current password. Revokes the account's other sessions in the batch that sets
   * the hash; the caller's own (`sessionId`, from its access token) keeps working. Without a
   * session id (a token that names none) every session is revoked.
   */
  async changePassword(
    userId: string,
    currentPassword: string,
    newPassword: string,
    sessionId: string | undefined,
  ) {
    // Limited per user: a stolen access token cannot guess the current password at speed.
    await this.deps.limits.passwordChange.consume(userId);
    const user = await this.verifyCurrentPassword(userId, currentPassword);
    const now = this.deps.clock.now();
    const passwordHash = await this.deps.hasher.hash(newPassword);
    await this.deps.unitOfWork
      .begin()
      .add(
        this.deps.users.setPasswordHash(user.id, passwordHash, now),
        sessionId
          ? this.deps.sessions.revokeAllForUserExcept(user.id, sessionId, now)
          : this.deps.sessions.revokeAllForUser(user.id, now),
      )
      .commit();
  }

  /**
   * The caller erases their own account, proving it with the password (a stolen access
   * token alone is not enough). Password checks share the password-change limit.
   */
  async deleteOwnAccount(userId: string, password: string): Promise<void> {
    await this.deps.limits.passwordChange.consume(userId);
    await this.verifyCurrentPassword(userId, password);
    await this.deps.users.erase(userId);
  }

  /** For the cron: expired reset tokens can never be used again. Returns how many went. */
  purgeExpiredResetTokens(): Promise<number> {
    return this.deps.resetTokens.deleteExpired(this.deps.clock.now().toISOString());
  }

  /** invalid_password unless `password` is the account's current one. */
  private async verifyCurrentPassword(userId: string, password: string): Promise<UserCredentials> {
    const user = await this.deps.users.findCredentialsById(userId);
    const verification = user
      ? await this.deps.hasher.verify(password, user.passwordHash)
      : { valid: false };
    if (!user || !verification.valid) {
      throw new InvalidPasswordError();
    }
    return user;
  }

  /** The access token names the session (`sid`) that `session.token` belongs to. */
  private async tokenPair(
    user: { id: string; role: User["role"] },
    session: { token: string; familyId: string },
    now: Date,
  ): Promise<TokenPair> {
    const claims = { sub: user.id, role: user.role, sid: session.familyId };
    return {
      accessToken: await this.deps.accessTokens.sign(claims, now),
      tokenType: "bearer",
      expiresIn: ACCESS_TOKEN_TTL_SECONDS,
      refreshToken: session.token,
    };
  }
}
