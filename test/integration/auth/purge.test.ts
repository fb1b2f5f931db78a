import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { passwordResetTokens, refreshTokens } from "../../../src/domains/auth/auth.table";
import worker from "../../../src/index";
import { newId } from "../../../src/lib/ids";
import { db, insertResetToken } from "../../helpers/auth";
import { createUser } from "../../helpers/factories";

const HOUR = 3_600_000;

async function insertRefreshToken(userId: string, expiresAt: Date, usedAt: Date | null = null) {
  await db()
    .insert(refreshTokens)
    .values({
      id: newId(),
      userId,
      familyId: newId(),
      familyExpiresAt: expiresAt.toISOString(),
      tokenHash: newId(),
      expiresAt: expiresAt.toISOString(),
      usedAt: usedAt?.toISOString() ?? null,
      revokedAt: null,
      createdAt: new Date(expiresAt.getTime() - 30 * 24 * HOUR).toISOString(),
    });
}

describe("the cron purges expired auth tokens", () => {
  it("deletes expired refresh and reset tokens, spent or not, and keeps live ones", async () => {
    const user = await createUser();
    const now = Date.now();
    await insertRefreshToken(user.id, new Date(now - HOUR));
    await insertRefreshToken(user.id, new Date(now - HOUR), new Date(now - 2 * HOUR));
    await insertRefreshToken(user.id, new Date(now + HOUR));
    await insertResetToken(user.id, { expiresAt: new Date(now - HOUR) });
    await insertResetToken(user.id, {
      expiresAt: new Date(now - HOUR),
      usedAt: new Date(now - 2 * HOUR),
    });
    await insertResetToken(user.id, { expiresAt: new Date(now + HOUR) });

    await worker.scheduled(createScheduledController({ cron: "*/5 * * * *" }), env);

    const refresh = await db()
      .select()
      .from(refreshTokens)
      .where(eq(refreshTokens.userId, user.id));
    const reset = await db()
      .select()
      .from(passwordResetTokens)
      .where(eq(passwordResetTokens.userId, user.id));
    expect(refresh.map((row) => row.expiresAt > new Date(now).toISOString())).toEqual([true]);
    expect(reset.map((row) => row.expiresAt > new Date(now).toISOString())).toEqual([true]);
  });
});
