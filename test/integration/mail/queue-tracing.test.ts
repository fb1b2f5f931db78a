import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { buildServices } from "../../../src/container";
import { createQueueHandler } from "../../../src/jobs/queue";
import { newId } from "../../../src/lib/ids";
import { insertPendingResetRow } from "../../helpers/outbox";
import { RecordingTracer } from "../../helpers/tracing";

const TRACE_ID = "0af7651916cd43dd8448eb211c80319c";
const REQUEST_SPAN = "b7ad6b7169203331";

function logLines(spy: { mock: { calls: unknown[][] } }) {
  return spy.mock.calls
    .map(([line]) => (typeof line === "string" && line.startsWith("{") ? JSON.parse(line) : null))
    .filter(Boolean);
}

async function consume(queue: string, bodies: unknown[], tracer: RecordingTracer) {
  const batch = createMessageBatch(
    queue,
    bodies.map((body, i) => ({
      id: `m-${i}-${newId()}`,
      timestamp: new Date(),
      attempts: 1,
      body,
    })),
  );
  const handler = createQueueHandler(
    (bindings, scope) => buildServices(bindings, {}, undefined, scope),
    tracer,
  );
  const ctx = createExecutionContext();
  await handler(batch, env);
  return { batch, result: await getQueueResult(batch, ctx) };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("queue consumer spans and trace ids", () => {
  it("delivers each message in a mail.deliver span, its lines in the queuing request's trace", async () => {
    const log = vi.spyOn(console, "log");
    const id = await insertPendingResetRow();
    const tracer = new RecordingTracer();
    const { batch } = await consume(
      "edge-store-mail",
      [{ outbox_id: id, traceparent: `00-${TRACE_ID}-${REQUEST_SPAN}-01` }],
      tracer,
    );
    const messageId = batch.messages[0]?.id;
    const [span] = tracer.spans.filter((s) => s.name.startsWith("mail."));
    expect(span?.name).toBe("mail.deliver");
    expect(span?.attributes).toEqual({
      "messaging.destination.name": "edge-store-mail",
      "messaging.message.id": messageId,
      "messaging.message.delivery_attempt": 1,
      "w3c.trace_id": TRACE_ID,
      "mail.outbox_id": id,
      outcome: "sent",
    });
    const sent = logLines(log).find(
      (line) => line.message === "mail sent" && line.outbox_id === id,
    );
    expect(sent).toMatchObject({
      trace_id: TRACE_ID,
      queue: "edge-store-mail",
      message_id: messageId,
    });
    expect(sent.span_id).toMatch(/^[0-9a-f]{16}$/);
    expect(sent.span_id).not.toBe(REQUEST_SPAN);
  });

  it("starts a trace per message that carries none (a row the cron re-queued)", async () => {
    const log = vi.spyOn(console, "log");
    const ids = [await insertPendingResetRow(), await insertPendingResetRow()];
    await consume(
      "edge-store-mail",
      ids.map((outbox_id) => ({ outbox_id })),
      new RecordingTracer(),
    );
    const traces = ids.map(
      (id) => logLines(log).find((l) => l.message === "mail sent" && l.outbox_id === id)?.trace_id,
    );
    for (const trace of traces) expect(trace).toMatch(/^[0-9a-f]{32}$/);
    expect(traces[0]).not.toBe(traces[1]);
  });

  it("buries a dead letter in a mail.dead_letter span", async () => {
    const id = await insertPendingResetRow();
    const tracer = new RecordingTracer();
    await consume("edge-store-mail-dlq", [{ outbox_id: id }], tracer);
    const [span] = tracer.spans;
    expect(span?.name).toBe("mail.dead_letter");
    expect(span?.attributes.outcome).toBe("buried");
  });

  it("drops a malformed message in its span, logging its message id and a trace id", async () => {
    const error = vi.spyOn(console, "error");
    const tracer = new RecordingTracer();
    const { result } = await consume("edge-store-mail", [{ nope: true }], tracer);
    expect(result.explicitAcks).toHaveLength(1);
    expect(tracer.spans[0]?.attributes.outcome).toBe("dropped");
    const line = logLines(error).find((l) => l.message === "mail queue: malformed message dropped");
    expect(line?.message_id).toEqual(expect.any(String));
    expect(line?.trace_id).toMatch(/^[0-9a-f]{32}$/);
  });

  it("handles messages without a span when the invocation is not traced, logging the same", async () => {
    const log = vi.spyOn(console, "log");
    const id = await insertPendingResetRow();
    const tracer = new RecordingTracer(false);
    await consume(
      "edge-store-mail",
      [{ outbox_id: id, traceparent: `00-${TRACE_ID}-${REQUEST_SPAN}-01` }],
      tracer,
    );
    expect(tracer.spans).toEqual([]);
    const sent = logLines(log).find(
      (line) => line.message === "mail sent" && line.outbox_id === id,
    );
    expect(sent?.trace_id).toBe(TRACE_ID);
  });
});
