import { Hono } from "hono";
import { describe, expect, it, vi } from "vitest";
import type { AppEnv } from "../../../src/http/app-env";
import { requestContext } from "../../../src/http/request-context";
import { continueTrace, formatTraceparent, parseTraceparent } from "../../../src/lib/trace-context";
import { FakeSpan, RecordingTracer } from "../../helpers/tracing";

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT_ID = "00f067aa0ba902b7";
const VALID = `00-${TRACE_ID}-${PARENT_ID}-01`;
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-(0[01])$/;

describe("parseTraceparent (W3C Trace Context)", () => {
  it("reads version 00: trace id, parent id and the sampled flag", () => {
    expect(parseTraceparent(VALID)).toEqual({
      traceId: TRACE_ID,
      parentId: PARENT_ID,
      sampled: true,
    });
    expect(parseTraceparent(`00-${TRACE_ID}-${PARENT_ID}-00`)?.sampled).toBe(false);
    // Only bit 0 means sampled; other bits are other flags.
    expect(parseTraceparent(`00-${TRACE_ID}-${PARENT_ID}-02`)?.sampled).toBe(false);
    expect(parseTraceparent(`00-${TRACE_ID}-${PARENT_ID}-03`)?.sampled).toBe(true);
  });

  it("reads a later version's first four fields and ignores what it appends", () => {
    expect(parseTraceparent(`01-${TRACE_ID}-${PARENT_ID}-01-what-comes-next`)).toEqual({
      traceId: TRACE_ID,
      parentId: PARENT_ID,
      sampled: true,
    });
    expect(parseTraceparent(`cc-${TRACE_ID}-${PARENT_ID}-00`)?.traceId).toBe(TRACE_ID);
  });

  it.each([
    ["missing", undefined],
    ["empty", ""],
    ["upper-case hex", VALID.toUpperCase()],
    ["version ff", `ff-${TRACE_ID}-${PARENT_ID}-01`],
    ["version 00 with more fields", `${VALID}-extra`],
    ["a later version glued to more text", `01-${TRACE_ID}-${PARENT_ID}-01extra`],
    ["an all-zero trace id", `00-${"0".repeat(32)}-${PARENT_ID}-01`],
    ["an all-zero parent id", `00-${TRACE_ID}-${"0".repeat(16)}-01`],
    ["a short trace id", `00-${TRACE_ID.slice(1)}-${PARENT_ID}-01`],
    ["a long parent id", `00-${TRACE_ID}-${PARENT_ID}0-01`],
    ["a non-hex flag", `00-${TRACE_ID}-${PARENT_ID}-0g`],
    ["another separator", `00_${TRACE_ID}_${PARENT_ID}_01`],
    ["two headers folded into one", `${VALID}, ${VALID}`],
  ])("refuses %s", (_label, header) => {
    expect(parseTraceparent(header)).toBeNull();
  });
});

describe("continueTrace", () => {
  it("continues a valid caller's trace with a span of its own", () => {
    const trace = continueTrace(VALID);
    expect(trace.traceId).toBe(TRACE_ID);
    expect(trace.parentId).toBe(PARENT_ID);
    expect(trace.spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(trace.spanId).not.toBe(PARENT_ID);
    expect(trace.sampled).toBe(true);
    expect(formatTraceparent(trace)).toBe(`00-${TRACE_ID}-${trace.spanId}-01`);
  });

  it("starts a new trace, with random ids, when there is no valid traceparent", () => {
    const a = continueTrace("garbage");
    const b = continueTrace(undefined);
    for (const trace of [a, b]) {
      expect(formatTraceparent(trace)).toMatch(TRACEPARENT);
      expect(trace.parentId).toBeNull();
      expect(trace.sampled).toBe(false);
    }
    expect(a.traceId).not.toBe(b.traceId);
  });

  it("starts a new trace with the runtime's ids when the runtime records the request", () => {
    const recorded = { traceId: "a".repeat(32), spanId: "b".repeat(16) };
    expect(continueTrace(undefined, recorded)).toEqual({
      traceId: recorded.traceId,
      spanId: recorded.spanId,
      parentId: null,
      sampled: true,
    });
    // A caller's trace still wins: the runtime cannot adopt it, so the log lines follow it.
    expect(continueTrace(VALID, recorded).traceId).toBe(TRACE_ID);
  });
});

/** The middleware alone, answering with what it put on the context. */
function probe(tracer: RecordingTracer) {
  const app = new Hono<AppEnv>();
  app.use(requestContext(tracer));
  app.get("/", (c) => {
    c.var.log.info("inside");
    return c.json(c.var.trace);
  });
  return app;
}

describe("requestContext", () => {
  it("answers with the traceparent of the request's span and logs its ids on every line", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const res = await probe(new RecordingTracer(false)).request("/", {
      headers: { traceparent: VALID, "X-Request-Id": "req-1" },
    });
    const trace = (await res.json()) as { traceId: string; spanId: string };
    expect(res.headers.get("traceparent")).toBe(`00-${TRACE_ID}-${trace.spanId}-01`);
    expect(res.headers.get("X-Request-Id")).toBe("req-1");
    const line = JSON.parse(String(log.mock.calls.at(-1)?.[0]));
    expect(line).toMatchObject({
      message: "inside",
      request_id: "req-1",
      trace_id: TRACE_ID,
      span_id: trace.spanId,
    });
    log.mockRestore();
  });

  it("uses the runtime's trace when it records the request and the caller sent none", async () => {
    const root = new FakeSpan("fetch", true, { traceId: "c".repeat(32), spanId: "d".repeat(16) });
    const res = await probe(new RecordingTracer(true, root)).request("/");
    expect(res.headers.get("traceparent")).toBe(`00-${"c".repeat(32)}-${"d".repeat(16)}-01`);
    expect(root.attributes).toEqual({});
  });

  it("names the caller's trace on the runtime's root span, which cannot adopt it", async () => {
    const root = new FakeSpan("fetch", true, { traceId: "c".repeat(32), spanId: "d".repeat(16) });
    const res = await probe(new RecordingTracer(true, root)).request("/", {
      headers: { traceparent: VALID },
    });
    expect(res.headers.get("traceparent")).toMatch(new RegExp(`^00-${TRACE_ID}-`));
    expect(root.attributes).toEqual({ "w3c.trace_id": TRACE_ID, "w3c.parent_id": PARENT_ID });
  });
});
