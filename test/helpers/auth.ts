import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { passwordResetTokens, refreshTokens } from "../../src/domains/auth/auth.table";
import { hashOpaqueToken, newOpaqueToken } from "../../src/domains/auth/opaque-tokens";
import { outbox } from "../../src/domains/mail/mail.table";
import { newId } from "../../src/lib/ids";
import { uniqueIp } from "./factories";
import { api } from "./http";

export const db = () => drizzle(env.DB);

/** POST /auth/login as JSON from a fresh client IP. */
export function login(email: string, password: string, ip = uniqueIp()): Promise<Response> {
  return api("/api/v1/auth/login", {
    method: "POST",
    body: { email, password },
    headers: { "CF-Connecting-IP": ip },
  });
}

export function refresh(refreshToken: string): Promise<Response> {
  return api("/api/v1/auth/refresh", { method: "POST", body: { refresh_token: refreshToken } });
}

export async function refreshTokensOf(userId: string) {
  return db().select().from(refreshTokens).where(eq(refreshTokens.userId, userId));
}

export async function outboxFor(recipient: string) {
  return db().select().from(outbox).where(eq(outbox.recipient, recipient));
}

/** Stores a reset token for a user directly and returns its raw value. */
export async function insertResetToken(
  userId: string,
  options: { expiresAt?: Date; usedAt?: Date } = {},
): Promise<string> {
  const token = newOpaqueToken();
  const now = new Date();
  await db()
    .insert(passwordResetTokens)
    .values({
      id: newId(),
      userId,
      tokenHash: await hashOpaqueToken(token),
      expiresAt: (options.expiresAt ?? new Date(now.getTime() + 30 * 60_000)).toISOString(),
      usedAt: options.usedAt?.toISOString() ?? null,
      createdAt: now.toISOString(),
    });
  return token;
}

/** Expects a problem+json response with this status and code; returns the body. */
export async function expectProblem(
  response: Response,
  status: number,
  code: string,
): Promise<Record<string, unknown>> {
  const body = (await response.json()) as Record<string, unknown>;
  if (response.status !== status || body.code !== code) {
    throw new Error(
      `expected ${status} ${code}, got ${response.status} ${String(body.code)}: ${String(body.detail)}`,
    );
  }
  if (!response.headers.get("Content-Type")?.startsWith("application/problem+json")) {
    throw new Error("expected application/problem+json");
  }
  return body;
}
