import { env } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { describe, expect, it } from "vitest";
import { changedRows, d1UnitOfWork } from "../../../src/db/unit-of-work";
import {
  D1RefreshTokensRepository,
  D1ResetTokensRepository,
} from "../../../src/domains/auth/auth.repository";
import { newId } from "../../../src/lib/ids";
import { createUser } from "../../helpers/factories";

// The single-use guarantees rest on conditional updates in D1, checked here directly
// (through HTTP, a race only shows when two requests interleave just so).
const db = () => drizzle(env.DB);
const NOW = () => new Date().toISOString();
const IN_AN_HOUR = () => new Date(Date.now() + 3_600_000).toISOString();

async function storedRefreshToken(userId: string) {
  const repo = new D1RefreshTokensRepository(db());
  const id = newId();
  await d1UnitOfWork(db())
    .begin()
    .add(
      repo.insert({
        id,
        userId,
        familyId: newId(),
        familyExpiresAt: IN_AN_HOUR(),
        tokenHash: `${id}-hash`,
        expiresAt: IN_AN_HOUR(),
        usedAt: null,
        revokedAt: null,
        createdAt: NOW(),
      }),
    )
    .commit();
  return { repo, id };
}

async function claim(repo: D1RefreshTokensRepository, id: string): Promise<number> {
  const [result] = await d1UnitOfWork(db()).begin().add(repo.claim(id, NOW())).commit();
  return changedRows(result);
}

describe("refresh token claims in D1", () => {
  it("succeed once", async () => {
    const user = await createUser();
    const { repo, id } = await storedRefreshToken(user.id);
    expect(await claim(repo, id)).toBe(1);
    expect(await claim(repo, id)).toBe(0);
  });

  it("fail for a revoked token", async () => {
    const user = await createUser();
    const { repo, id } = await storedRefreshToken(user.id);
    await d1UnitOfWork(db()).begin().add(repo.revokeAllForUser(user.id, NOW())).commit();
    expect(await claim(repo, id)).toBe(0);
  });
});

describe("reset token consumption in D1", () => {
  async function storedResetToken(userId: string, expiresAt: string) {
    const repo = new D1ResetTokensRepository(db());
    const id = newId();
    await d1UnitOfWork(db())
      .begin()
      .add(
        repo.insert({
          id,
          userId,
          tokenHash: `${id}-hash`,
          expiresAt,
          usedAt: null,
          createdAt: NOW(),
        }),
      )
      .commit();
    return { repo, id };
  }

  it("succeeds once", async () => {
    const user = await createUser();
    const { repo, id } = await storedResetToken(user.id, IN_AN_HOUR());
    expect(await repo.consume(id, NOW())).toBe(true);
    expect(await repo.consume(id, NOW())).toBe(false);
  });

  it("fails once the token has expired", async () => {
    const user = await createUser();
    const { repo, id } = await storedResetToken(user.id, new Date(Date.now() - 1).toISOString());
    expect(await repo.consume(id, NOW())).toBe(false);
  });
});
