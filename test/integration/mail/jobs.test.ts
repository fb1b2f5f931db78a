import {
  createExecutionContext,
  createMessageBatch,
  createScheduledController,
  getQueueResult,
} from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { buildServices } from "../../../src/container";
import { outbox } from "../../../src/domains/mail/mail.table";
import type { Mailer } from "../../../src/domains/mail/mailers";
import worker from "../../../src/index";
import { createQueueHandler } from "../../../src/jobs/queue";
import { createScheduledHandler, type ScheduledTask } from "../../../src/jobs/scheduled";
import { RecordingMailer } from "../../fakes/mail";
import { db } from "../../helpers/auth";
import { insertPendingResetRow } from "../../helpers/outbox";

const QUEUE = "edge-store-mail";

async function row(id: string) {
  const [found] = await db().select().from(outbox).where(eq(outbox.id, id));
  return found;
}

function batchFor(ids: string[], attempts = 1) {
  return createMessageBatch(
    QUEUE,
    ids.map((id) => ({
      id: `msg-${id}`,
      timestamp: new Date(),
      attempts,
      body: { outbox_id: id },
    })),
  );
}

function handlerWith(mailer: Mailer) {
  return createQueueHandler((bindings) => buildServices(bindings, { mailer }));
}

describe("mail queue consumer", () => {
  it("delivers a pending row through the worker's queue handler, acks and marks it sent", async () => {
    const id = await insertPendingResetRow();
    const batch = batchFor([id]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual([`msg-${id}`]);
    expect(result.retryMessages).toEqual([]);
    expect(await row(id)).toMatchObject({ status: "sent", attempts: 1, payload: "{}" });
  });

  it("is idempotent: a duplicate message for a sent row sends nothing and is acked", async () => {
    const id = await insertPendingResetRow();
    const mailer = new RecordingMailer();
    const handle = handlerWith(mailer);
    for (let i = 0; i < 2; i++) {
      const batch = batchFor([id]);
      const ctx = createExecutionContext();
      await handle(batch, env);
      expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual([`msg-${id}`]);
    }
    expect(mailer.sent).toHaveLength(1);
    expect(mailer.sent[0]).toMatchObject({ subject: "Reset your password", idempotencyKey: id });
  });

  it("retries a failed delivery with backoff and records the attempt", async () => {
    const id = await insertPendingResetRow();
    const batch = batchFor([id], 2);
    // getQueueResult does not report the delay, so the retry call itself is watched.
    const retry = vi.spyOn(batch.messages[0] as Message, "retry");
    const ctx = createExecutionContext();
    await handlerWith(new RecordingMailer(new Error("provider down")))(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual([]);
    expect(result.retryMessages).toEqual([{ msgId: `msg-${id}` }]);
    expect(retry).toHaveBeenCalledWith({ delaySeconds: 60 });
    expect(await row(id)).toMatchObject({
      status: "pending",
      attempts: 1,
      lastError: "Error: provider down",
    });
  });

  it("marks the row dead on the last attempt and lets the queue dead-letter the message", async () => {
    const id = await insertPendingResetRow({ attempts: 5 });
    const batch = batchFor([id], 6);
    const ctx = createExecutionContext();
    await handlerWith(new RecordingMailer(new Error("provider down")))(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual([`msg-${id}`]);
    expect(await row(id)).toMatchObject({ status: "dead", attempts: 6, payload: "{}" });
  });

  it("drops a malformed message", async () => {
    const batch = createMessageBatch(QUEUE, [
      { id: "msg-bad", timestamp: new Date(), attempts: 1, body: { nope: true } },
    ]);
    const ctx = createExecutionContext();
    await handlerWith(new RecordingMailer())(batch, env);
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(["msg-bad"]);
  });
});

describe("scheduled handler", () => {
  it("re-enqueues stranded rows only, through the worker's cron handler", async () => {
    const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000);
    const neverDispatched = await insertPendingResetRow({ createdAt: minutesAgo(5) });
    const lostInQueue = await insertPendingResetRow({
      createdAt: minutesAgo(90),
      enqueuedAt: minutesAgo(60),
    });
    const justCreated = await insertPendingResetRow();
    const retryingSince = minutesAgo(9);
    const stillRetrying = await insertPendingResetRow({
      createdAt: minutesAgo(10),
      enqueuedAt: retryingSince,
    });

    await worker.scheduled(createScheduledController({ cron: "*/5 * * * *" }), env);

    // Re-enqueued rows get a fresh enqueued_at (the real consumer may deliver them next).
    for (const id of [neverDispatched, lostInQueue]) {
      const enqueuedAt = Date.parse((await row(id))?.enqueuedAt ?? "");
      expect(Date.now() - enqueuedAt).toBeLessThan(60_000);
    }
    expect((await row(justCreated))?.enqueuedAt).toBeNull();
    expect((await row(stillRetrying))?.enqueuedAt).toBe(retryingSince.toISOString());
  });

  it("re-enqueues a full batch of stranded rows (more ids than D1 binds in one statement)", async () => {
    const minutesAgo = new Date(Date.now() - 5 * 60_000);
    const ids: string[] = [];
    for (let i = 0; i < 120; i += 1)
      ids.push(await insertPendingResetRow({ createdAt: minutesAgo }));

    const requeued = await buildServices(env).mail.requeueStranded();
    expect(requeued).toBe(100);
    const stamped = (await Promise.all(ids.map(row))).filter((found) => found?.enqueuedAt);
    expect(stamped.length).toBeGreaterThanOrEqual(100);
  });

  it("runs every task even when one fails, then fails the run naming it", async () => {
    const ran: string[] = [];
    const tasks: ScheduledTask[] = [
      {
        name: "broken",
        run: async () => {
          throw new Error("boom");
        },
      },
      {
        name: "healthy",
        run: async () => {
          ran.push("healthy");
          return 0;
        },
      },
    ];
    const handler = createScheduledHandler(tasks);
    await expect(handler(createScheduledController(), env)).rejects.toThrow(/broken/);
    expect(ran).toEqual(["healthy"]);
  });
});
