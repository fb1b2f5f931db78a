import { outbox } from "../../src/domains/mail/mail.table";
import { newId } from "../../src/lib/ids";
import { db } from "./auth";
import { unique } from "./factories";

export type PendingRowOptions = { createdAt?: Date; enqueuedAt?: Date; attempts?: number };

/**
 * Inserts a pending password-reset row straight into the outbox (plaintext, as rows queued
 * before sealing were): never dispatched, so only the test that made it touches it.
 */
export async function insertPendingResetRow(options: PendingRowOptions = {}): Promise<string> {
  const id = newId();
  await db()
    .insert(outbox)
    .values({
      id,
      template: "password_reset",
      recipient: `${unique("mail")}@example.com`,
      payload: JSON.stringify({
        reset_url: "http://localhost:8787/docs#token=abc",
        token: "abc",
        expires_minutes: 30,
      }),
      status: "pending",
      attempts: options.attempts ?? 0,
      createdAt: (options.createdAt ?? new Date()).toISOString(),
      enqueuedAt: options.enqueuedAt?.toISOString() ?? null,
    });
  return id;
}
