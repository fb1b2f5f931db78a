import { describe, expect, it } from "vitest";
import { DeadLettersService } from "../../../src/domains/mail/mail.dead-letters";
import { MAX_DELIVERIES, MailService } from "../../../src/domains/mail/mail.service";
import { FakeClock } from "../../fakes/clock";
import {
  FakeMailQueue,
  FakeOutbox,
  RecordingMailer,
  silentLogger,
  testSealer,
} from "../../fakes/mail";

const ORDER_DATA = JSON.stringify({
  order_id: "o-1",
  currency: "USD",
  subtotal_cents: 500,
  discount_cents: 0,
  total_cents: 500,
  items: [{ sku: "MUG", name: "Mug", quantity: 1, unit_price_cents: 500, line_total_cents: 500 }],
});
const RESET_DATA = JSON.stringify({
  name: "Ada",
  reset_url: "https://shop.test/reset-password?token=abc",
  token: "abc",
  expires_minutes: 30,
});

function setup() {
  const outbox = new FakeOutbox();
  const deadLetters = new DeadLettersService(outbox, silentLogger);
  const row = (
    id: string,
    template: string,
    extra: Parameters<FakeOutbox["add"]>[0] | object = {},
  ) =>
    outbox.add({
      id,
      template,
      recipient: "ada@example.com",
      payload: template === "password_reset" ? RESET_DATA : ORDER_DATA,
      createdAt: `2026-11-21T10:00:0${id.length % 10}.000Z`,
      ...extra,
    });
  return { outbox, deadLetters, row };
}

describe("DeadLettersService.bury (the dead-letter queue's consumer)", () => {
  it("marks a pending row dead, keeping its last error", async () => {
    const { outbox, deadLetters, row } = setup();
    row("a", "order_confirmation", { attempts: 6, lastError: "Error: provider down" });
    expect(await deadLetters.bury("a", 6)).toBe("buried");
    expect(outbox.rows.get("a")).toMatchObject({
      status: "dead",
      lastError: "Error: provider down",
      payload: ORDER_DATA,
    });
  });

  it("names the queue's give-up when no delivery recorded an error, and scrubs a secret", async () => {
    const { outbox, deadLetters, row } = setup();
    row("b", "password_reset");
    expect(await deadLetters.bury("b", 6)).toBe("buried");
    expect(outbox.rows.get("b")).toMatchObject({ status: "dead", payload: "{}" });
    expect(outbox.rows.get("b")?.lastError).toMatch(/dead-lettered after 6 queue deliveries/);
  });

  it("leaves sent and already dead rows alone, and tolerates a missing one", async () => {
    const { outbox, deadLetters, row } = setup();
    row("s", "order_confirmation", { status: "sent" });
    expect(await deadLetters.bury("s", 6)).toBe("already_handled");
    expect(outbox.rows.get("s")?.status).toBe("sent");
    expect(await deadLetters.bury("nope", 6)).toBe("missing");
  });
});

describe("DeadLettersService.retry", () => {
  it("makes a dead row pending with a fresh count", async () => {
    const { outbox, deadLetters, row } = setup();
    row("d", "order_confirmation", { status: "dead", attempts: 6, enqueuedAt: "x" });
    const revived = await deadLetters.retry("d");
    expect(revived).toMatchObject({ status: "pending", attempts: 0, enqueuedAt: null });
    expect(outbox.rows.get("d")).toMatchObject({ status: "pending", attempts: 0 });
  });

  it("refuses a row that is not dead, one that held a secret, and an unknown id", async () => {
    const { deadLetters, row } = setup();
    row("p", "order_confirmation");
    row("r", "password_reset", { status: "dead" });
    await expect(deadLetters.retry("p")).rejects.toMatchObject({ code: "mail_not_dead" });
    await expect(deadLetters.retry("r")).rejects.toMatchObject({ code: "mail_not_retryable" });
    await expect(deadLetters.retry("zz")).rejects.toMatchObject({ code: "mail_not_found" });
  });

  it("lists by status, newest first, a page at a time", async () => {
    const { deadLetters, row } = setup();
    row("x1", "order_confirmation", { status: "dead", createdAt: "2026-11-21T10:00:01.000Z" });
    row("x2", "order_confirmation", { status: "dead", createdAt: "2026-11-21T10:00:02.000Z" });
    row("x3", "order_confirmation", { createdAt: "2026-11-21T10:00:03.000Z" });
    const first = await deadLetters.list({ status: "dead" }, { limit: 1 });
    expect(first.items.map((r) => r.id)).toEqual(["x2"]);
    const second = await deadLetters.list(
      { status: "dead" },
      { limit: 1, cursor: first.nextCursor ?? undefined },
    );
    expect(second).toMatchObject({ items: [{ id: "x1" }], nextCursor: null });
  });
});

describe("MailService on the last delivery", () => {
  it("gives up an order confirmation but keeps its data, so it can be re-sent", async () => {
    const outbox = new FakeOutbox();
    const mailer = new RecordingMailer();
    mailer.failWith = new Error("provider down");
    const mail = new MailService(
      outbox,
      new FakeMailQueue(),
      mailer,
      new FakeClock(),
      silentLogger,
      testSealer,
    );
    outbox.add({
      id: "o",
      template: "order_confirmation",
      recipient: "ada@example.com",
      payload: ORDER_DATA,
      createdAt: "2026-11-21T10:00:00.000Z",
      attempts: MAX_DELIVERIES - 1,
    });
    expect(await mail.deliver("o", MAX_DELIVERIES)).toMatchObject({ status: "failed", dead: true });
    expect(outbox.rows.get("o")).toMatchObject({ status: "dead", payload: ORDER_DATA });
  });
});
