import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import type { MailPageResponse } from "../../../src/domains/mail/mail.schemas";
import { outbox } from "../../../src/domains/mail/mail.table";
import worker from "../../../src/index";
import { newId } from "../../../src/lib/ids";
import { ORDER_CONFIRMATION_DATA } from "../../fakes/mail";
import { db, expectProblem } from "../../helpers/auth";
import { createAdmin, createCustomer, unique } from "../../helpers/factories";
import { api, json } from "../../helpers/http";

const DLQ = "edge-store-mail-dlq";

const RESET_DATA = {
  name: "Ada",
  reset_url: "http://localhost:8787/reset-password?token=secret-reset-token",
  token: "secret-reset-token",
  expires_minutes: 30,
};

type Row = typeof outbox.$inferSelect;

/** Inserts an outbox row directly: never dispatched, so only these tests touch it. */
async function outboxRow(
  template: "order_confirmation" | "password_reset",
  fields: Partial<Row> = {},
): Promise<string> {
  const id = newId();
  await db()
    .insert(outbox)
    .values({
      id,
      template,
      recipient: `${unique("dlq")}@example.com`,
      payload: JSON.stringify(template === "password_reset" ? RESET_DATA : ORDER_CONFIRMATION_DATA),
      status: "pending",
      createdAt: new Date().toISOString(),
      ...fields,
    });
  return id;
}

async function row(id: string): Promise<Row | undefined> {
  const [found] = await db().select().from(outbox).where(eq(outbox.id, id));
  return found;
}

async function deadLetter(ids: string[], attempts = 1) {
  const batch = createMessageBatch(
    DLQ,
    ids.map((id) => ({
      id: `dlq-${id}`,
      timestamp: new Date(),
      attempts,
      body: { outbox_id: id },
    })),
  );
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return getQueueResult(batch, ctx);
}

describe("the dead-letter queue's consumer (the Worker's queue handler)", () => {
  it("marks a dead-lettered row dead with its last error and acks", async () => {
    const id = await outboxRow("order_confirmation", {
      attempts: 6,
      lastError: "Error: provider answered 503",
    });
    const result = await deadLetter([id]);
    expect(result.explicitAcks).toEqual([`dlq-${id}`]);
    expect(result.retryMessages).toEqual([]);
    expect(await row(id)).toMatchObject({
      status: "dead",
      lastError: "Error: provider answered 503",
      payload: JSON.stringify(ORDER_CONFIRMATION_DATA),
    });
  });

  it("records why when no delivery left an error, and scrubs a reset token stored in plaintext", async () => {
    const id = await outboxRow("password_reset");
    await deadLetter([id], 3);
    const dead = await row(id);
    expect(dead).toMatchObject({ status: "dead", payload: "{}" });
    expect(dead?.lastError).toMatch(/dead-lettered after 3 queue deliveries/);
  });

  it("leaves a row that was sent in the meantime alone", async () => {
    const id = await outboxRow("order_confirmation", { status: "sent", payload: "{}" });
    expect((await deadLetter([id])).explicitAcks).toEqual([`dlq-${id}`]);
    expect((await row(id))?.status).toBe("sent");
  });
});

describe("GET /api/v1/admin/mail", () => {
  it("lists rows by status, newest first, a page at a time, never with their payload", async () => {
    const admin = await createAdmin();
    // Far-future creation times put these two first in this file's newest-first list.
    const older = await outboxRow("password_reset", {
      status: "dead",
      createdAt: "2099-01-01T00:00:01.000Z",
      lastError: "Error: provider answered 503",
    });
    const newer = await outboxRow("order_confirmation", {
      status: "dead",
      createdAt: "2099-01-01T00:00:02.000Z",
    });
    await outboxRow("order_confirmation", { createdAt: "2099-01-01T00:00:03.000Z" });

    const first = await api("/api/v1/admin/mail?status=dead&limit=1", { token: admin.token });
    expect(first.status).toBe(200);
    expect(first.headers.get("Cache-Control")).toBe("no-store");
    const page = await json<MailPageResponse>(first);
    expect(page.items.map((item) => item.id)).toEqual([newer]);
    expect(first.headers.get("Link")).toContain('rel="next"');
    expect(Object.keys(page.items[0] ?? {}).sort()).toEqual(
      [
        "attempts",
        "created_at",
        "enqueued_at",
        "id",
        "last_error",
        "recipient",
        "sent_at",
        "status",
        "template",
      ].sort(),
    );

    const cursor = page.next_cursor ?? expect.unreachable("the first page has a next cursor");
    const second = await api(
      `/api/v1/admin/mail?status=dead&limit=1&cursor=${encodeURIComponent(cursor)}`,
      { token: admin.token },
    );
    const text = await second.text();
    expect(JSON.parse(text).items).toEqual([
      expect.objectContaining({
        id: older,
        status: "dead",
        last_error: "Error: provider answered 503",
      }),
    ]);
    expect(text).not.toContain("secret-reset-token");
  });

  it("refuses customers (403) and anonymous callers (401), and an unknown status (422)", async () => {
    const customer = await createCustomer();
    await expectProblem(
      await api("/api/v1/admin/mail", { token: customer.token }),
      403,
      "forbidden",
    );
    await expectProblem(await api("/api/v1/admin/mail"), 401, "unauthenticated");
    const admin = await createAdmin();
    await expectProblem(
      await api("/api/v1/admin/mail?status=lost", { token: admin.token }),
      422,
      "validation_failed",
    );
  });
});

describe("POST /api/v1/admin/mail/{id}/retry", () => {
  function retry(id: string, token: string) {
    return api(`/api/v1/admin/mail/${id}/retry`, { method: "POST", token });
  }

  it("re-sends a dead email: 202, pending with a fresh count, then delivered by the queue", async () => {
    const admin = await createAdmin();
    const id = await outboxRow("order_confirmation", {
      status: "dead",
      attempts: 6,
      lastError: "Error: provider answered 503",
      enqueuedAt: "2026-11-21T10:00:00.000Z",
    });
    const res = await retry(id, admin.token);
    expect(res.status).toBe(202);
    expect(await json(res)).toMatchObject({ id, status: "pending", attempts: 0 });
    // Dispatched after the response; the local queue's consumer then delivers it.
    await vi.waitFor(async () => expect((await row(id))?.status).toBe("sent"), {
      timeout: 10_000,
      interval: 100,
    });
    await expectProblem(await retry(id, admin.token), 409, "mail_not_dead");
  });

  it("answers 409 for a dead reset email (its token was scrubbed), 404 for an unknown id", async () => {
    const admin = await createAdmin();
    const id = await outboxRow("password_reset", { status: "dead", payload: "{}" });
    await expectProblem(await retry(id, admin.token), 409, "mail_not_retryable");
    expect((await row(id))?.status).toBe("dead");
    await expectProblem(await retry(newId(), admin.token), 404, "mail_not_found");
  });

  it("is for admins only", async () => {
    const customer = await createCustomer();
    const id = await outboxRow("order_confirmation", { status: "dead" });
    await expectProblem(await retry(id, customer.token), 403, "forbidden");
    expect((await row(id))?.status).toBe("dead");
  });
});
