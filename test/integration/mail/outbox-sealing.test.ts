import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { buildServices } from "../../../src/container";
import { outbox } from "../../../src/domains/mail/mail.table";
import type { Mailer, MailMessage } from "../../../src/domains/mail/mailers";
import { createQueueHandler } from "../../../src/jobs/queue";
import { db, login } from "../../helpers/auth";
import { createAdmin, createUser } from "../../helpers/factories";
import { api } from "../../helpers/http";

const PASSWORD = "correct-horse-battery";

class RecordingMailer implements Mailer {
  sent: MailMessage[] = [];
  async send(message: MailMessage): Promise<void> {
    this.sent.push(message);
  }
}

async function outboxRow(id: string) {
  const [row] = await db().select().from(outbox).where(eq(outbox.id, id));
  return row;
}

/**
 * A reset requested through the service: its row is committed but not dispatched, so the
 * test reads exactly what D1 holds before any delivery.
 */
async function queuedReset(email: string): Promise<string> {
  const { mail } = await buildServices(env).auth.requestPasswordReset(email);
  expect(mail).toHaveLength(1);
  return mail[0] as string;
}

/** Runs the real queue consumer on one row, delivering through `mailer`. */
async function consume(id: string, mailer: Mailer) {
  const batch = createMessageBatch("edge-store-mail", [
    { id: `msg-${id}`, timestamp: new Date(), attempts: 1, body: { outbox_id: id } },
  ]);
  const ctx = createExecutionContext();
  await createQueueHandler((bindings) => buildServices(bindings, { mailer }))(batch, env);
  return getQueueResult(batch, ctx);
}

function tokenIn(message: MailMessage | undefined): string {
  const match = /#token=([A-Za-z0-9_-]{43})/.exec(message?.text ?? "");
  if (!match?.[1]) throw new Error("no reset link in the email");
  return match[1];
}

describe("secrets in the mail outbox are sealed at rest", () => {
  it("D1 holds no plaintext reset token; the consumer opens it and sends the right link", async () => {
    const user = await createUser({ password: PASSWORD });
    const id = await queuedReset(user.email);
    const stored = await outboxRow(id);
    expect(stored?.payload).toMatch(/^sealed\.v1\./);
    expect(stored?.payload).not.toContain("token");
    expect(stored?.payload).not.toContain("http");

    const mailer = new RecordingMailer();
    expect((await consume(id, mailer)).explicitAcks).toEqual([`msg-${id}`]);
    expect(mailer.sent).toHaveLength(1);
    expect(mailer.sent[0]?.to).toBe(user.email);
    const token = tokenIn(mailer.sent[0]);
    expect(stored?.payload).not.toContain(token);
    expect(await outboxRow(id)).toMatchObject({ status: "sent", payload: "{}" });

    // The link's token is the one the reset expects.
    const confirm = await api("/api/v1/auth/password-reset/confirm", {
      method: "POST",
      body: { token, new_password: "a-brand-new-password" },
    });
    expect(confirm.status).toBe(204);
    expect((await login(user.email, "a-brand-new-password")).status).toBe(200);
  });

  it("a sealed row moved under another id does not open: given up, nothing sent", async () => {
    const user = await createUser({ password: PASSWORD });
    const id = await queuedReset(user.email);
    const other = await queuedReset(user.email);
    const stolen = (await outboxRow(id))?.payload ?? "";
    await db().update(outbox).set({ payload: stolen }).where(eq(outbox.id, other));
    const mailer = new RecordingMailer();
    await consume(other, mailer);
    expect(mailer.sent).toEqual([]);
    const refused = await outboxRow(other);
    expect(refused).toMatchObject({ status: "dead", payload: stolen });
    expect(refused?.lastError).toMatch(/^SealedTextError/);
  });

  it("a dead sealed email keeps its ciphertext; the admin retry re-sends it with its link", async () => {
    const user = await createUser({ password: PASSWORD });
    const admin = await createAdmin();
    const id = await queuedReset(user.email);
    const sealed = (await outboxRow(id))?.payload;
    await db().update(outbox).set({ status: "dead", attempts: 6 }).where(eq(outbox.id, id));

    const listed = await api("/api/v1/admin/mail?status=dead&limit=100", { token: admin.token });
    expect(await listed.text()).not.toContain("sealed.v1.");

    // The retry path (the admin endpoint's service step, without its dispatch, so the
    // consumer below is the only delivery) re-sends the row as stored.
    await buildServices(env).deadLetters.retry(id);
    expect(await outboxRow(id)).toMatchObject({ status: "pending", payload: sealed });
    const mailer = new RecordingMailer();
    await consume(id, mailer);
    expect(mailer.sent).toHaveLength(1);
    const confirm = await api("/api/v1/auth/password-reset/confirm", {
      method: "POST",
      body: { token: tokenIn(mailer.sent[0]), new_password: "a-brand-new-password" },
    });
    expect(confirm.status).toBe(204);
  });
});
