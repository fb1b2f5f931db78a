import { describe, expect, it } from "vitest";
import {
  MAX_DELIVERIES,
  MailService,
  retryDelaySeconds,
} from "../../../src/domains/mail/mail.service";
import { FakeClock } from "../../fakes/clock";
import {
  FakeMailQueue,
  FakeOutbox,
  ORDER_CONFIRMATION_DATA,
  RecordingMailer,
  silentLogger,
  storedData,
  testSealer,
} from "../../fakes/mail";
import { FakeUnitOfWork } from "../../fakes/unit-of-work";

const DATA = {
  reset_url: "https://shop.test/reset-password#token=abc",
  token: "abc",
  expires_minutes: 30,
};

/** A password-reset row put straight into the outbox with the payload as stored. */
function addResetRow(
  outbox: FakeOutbox,
  id: string,
  payload: string,
  extra: { attempts?: number } = {},
) {
  outbox.add({
    id,
    template: "password_reset",
    recipient: "ada@example.com",
    payload,
    createdAt: "2026-11-21T09:00:00.000Z",
    ...extra,
  });
}

function setup() {
  const outbox = new FakeOutbox();
  const queue = new FakeMailQueue();
  const mailer = new RecordingMailer();
  const clock = new FakeClock();
  const mail = new MailService(outbox, queue, mailer, clock, silentLogger, testSealer);
  async function composed() {
    const message = await mail.compose("password_reset", "ada@example.com", DATA);
    await new FakeUnitOfWork().begin().add(message.statement).commit();
    return message.id;
  }
  return { outbox, queue, mailer, clock, mail, composed };
}

describe("MailService", () => {
  it("composes an outbox row only when the caller commits it", async () => {
    const { outbox, mail } = setup();
    const message = await mail.compose("password_reset", "ada@example.com", DATA);
    expect(outbox.rows.size).toBe(0);
    await new FakeUnitOfWork().begin().add(message.statement).commit();
    expect(outbox.rows.get(message.id)).toMatchObject({
      template: "password_reset",
      recipient: "ada@example.com",
      status: "pending",
    });
  });

  it("seals the data of a template that holds a secret; other data stays JSON", async () => {
    const { outbox, mail, composed } = setup();
    const id = await composed();
    const row = outbox.rows.get(id);
    expect(row?.payload).toMatch(/^sealed\.v1\./);
    expect(row?.payload).not.toContain(DATA.token);
    expect(row?.payload).not.toContain("shop.test");
    expect(await storedData(row)).toEqual(DATA);
    const order = await mail.compose(
      "order_confirmation",
      "ada@example.com",
      ORDER_CONFIRMATION_DATA,
    );
    await new FakeUnitOfWork().begin().add(order.statement).commit();
    expect(JSON.parse(outbox.rows.get(order.id)?.payload ?? "")).toEqual(ORDER_CONFIRMATION_DATA);
  });

  it("dispatches committed rows to the queue and marks them enqueued", async () => {
    const { outbox, queue, mail, composed, clock } = setup();
    const id = await composed();
    await mail.dispatch([id]);
    expect(queue.jobs).toEqual([{ outbox_id: id }]);
    expect(outbox.rows.get(id)?.enqueuedAt).toBe(clock.now().toISOString());
  });

  it("delivers once, scrubs the payload, and skips duplicates", async () => {
    const { outbox, mailer, mail, composed } = setup();
    const id = await composed();
    expect(await mail.deliver(id, 1)).toEqual({ status: "sent" });
    expect(await mail.deliver(id, 1)).toEqual({ status: "skipped", reason: "already_handled" });
    expect(mailer.sent).toHaveLength(1);
    expect(mailer.sent[0]).toMatchObject({ to: "ada@example.com", idempotencyKey: id });
    expect(mailer.sent[0]?.text).toContain(DATA.reset_url);
    expect(outbox.rows.get(id)).toMatchObject({ status: "sent", payload: "{}", attempts: 1 });
  });

  it("records a failure and asks for a retry with exponential backoff", async () => {
    const { outbox, mailer, mail, composed } = setup();
    const id = await composed();
    mailer.failWith = new Error("503 from provider");
    expect(await mail.deliver(id, 1)).toEqual({
      status: "failed",
      dead: false,
      retryInSeconds: 30,
    });
    expect(await mail.deliver(id, 2)).toEqual({
      status: "failed",
      dead: false,
      retryInSeconds: 60,
    });
    expect(outbox.rows.get(id)).toMatchObject({
      status: "pending",
      attempts: 2,
      lastError: "Error: 503 from provider",
    });
    mailer.failWith = undefined;
    expect(await mail.deliver(id, 3)).toEqual({ status: "sent" });
  });

  it("gives a row up on the last delivery, counting the row's own attempts", async () => {
    const { outbox, mailer, mail, composed } = setup();
    const id = await composed();
    mailer.failWith = new Error("down");
    const row = outbox.rows.get(id);
    if (row) row.attempts = MAX_DELIVERIES - 1;
    // The queue's count restarted (the cron re-enqueued it); the row's count did not.
    const sealed = row?.payload;
    expect(await mail.deliver(id, 1)).toMatchObject({ status: "failed", dead: true });
    // Sealed, so kept: an operator can re-send it (POST /admin/mail/{id}/retry).
    expect(outbox.rows.get(id)).toMatchObject({ status: "dead", payload: sealed });
    expect(await mail.deliver(id, 2)).toEqual({ status: "skipped", reason: "already_handled" });
  });

  it("scrubs a secret stored in plaintext (queued before sealing) when giving it up", async () => {
    const { outbox, mailer, mail } = setup();
    addResetRow(outbox, "legacy", JSON.stringify(DATA), { attempts: MAX_DELIVERIES - 1 });
    mailer.failWith = new Error("down");
    expect(await mail.deliver("legacy", MAX_DELIVERIES)).toMatchObject({ dead: true });
    expect(outbox.rows.get("legacy")).toMatchObject({ status: "dead", payload: "{}" });
  });

  it("still delivers a plaintext row queued before sealing", async () => {
    const { outbox, mailer, mail } = setup();
    addResetRow(outbox, "legacy", JSON.stringify(DATA));
    expect(await mail.deliver("legacy", 1)).toEqual({ status: "sent" });
    expect(mailer.sent[0]?.text).toContain(DATA.reset_url);
  });

  it("rejects at once a sealed row that does not open (another row's data), keeping it", async () => {
    const { outbox, mailer, mail, composed } = setup();
    const id = await composed();
    const stolen = outbox.rows.get(id)?.payload ?? "";
    addResetRow(outbox, "other", stolen);
    expect(await mail.deliver("other", 1)).toEqual({ status: "rejected" });
    expect(outbox.rows.get("other")).toMatchObject({ status: "dead", payload: stolen });
    expect(outbox.rows.get("other")?.lastError).toMatch(/^SealedTextError/);
    expect(mailer.sent).toEqual([]);
  });

  it("rejects at once a row that cannot render", async () => {
    const { outbox, mailer, mail } = setup();
    outbox.add({
      id: "bad",
      template: "no_such_template",
      recipient: "x@example.com",
      payload: "{}",
      createdAt: "2026-11-21T09:00:00.000Z",
    });
    expect(await mail.deliver("bad", 1)).toEqual({ status: "rejected" });
    expect(outbox.rows.get("bad")?.status).toBe("dead");
    expect(mailer.sent).toEqual([]);
  });

  it("skips a message whose row does not exist", async () => {
    const { mail } = setup();
    expect(await mail.deliver("missing", 1)).toEqual({ status: "skipped", reason: "missing" });
  });

  it("re-enqueues only stranded rows", async () => {
    const { outbox, queue, mail, clock } = setup();
    const ago = (minutes: number) =>
      new Date(clock.now().getTime() - minutes * 60_000).toISOString();
    const base = { template: "password_reset", recipient: "a@example.com", payload: "{}" };
    outbox.add({ ...base, id: "never-dispatched", createdAt: ago(5) });
    outbox.add({ ...base, id: "lost", createdAt: ago(90), enqueuedAt: ago(45) });
    outbox.add({ ...base, id: "fresh", createdAt: ago(0) });
    outbox.add({ ...base, id: "retrying", createdAt: ago(20), enqueuedAt: ago(19) });
    outbox.add({ ...base, id: "sent", createdAt: ago(90), status: "sent" });
    expect(await mail.requeueStranded()).toBe(2);
    expect(queue.jobs.map((job) => job.outbox_id)).toEqual(["lost", "never-dispatched"]);
  });

  it("backs off exponentially up to an hour", () => {
    expect([1, 2, 3, 4, 5].map(retryDelaySeconds)).toEqual([30, 60, 120, 240, 480]);
    expect(retryDelaySeconds(20)).toBe(3600);
  });
});
