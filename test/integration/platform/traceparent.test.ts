import { afterEach, describe, expect, it, vi } from "vitest";
import { createUser } from "../../helpers/factories";
import { api } from "../../helpers/http";

const TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT_ID = "00f067aa0ba902b7";
const VALID = `00-${TRACE_ID}-${PARENT_ID}-01`;
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-(0[01])$/;

function traceOf(response: Response) {
  const match = TRACEPARENT.exec(response.headers.get("traceparent") ?? "");
  if (!match) throw new Error(`no valid traceparent: ${response.headers.get("traceparent")}`);
  return { traceId: match[1], spanId: match[2], flags: match[3] };
}

/** The JSON lines written to the console so far whose trace_id is `traceId`. */
function linesOf(spy: { mock: { calls: unknown[][] } }, traceId: string) {
  return spy.mock.calls
    .map(([line]) => (typeof line === "string" && line.startsWith("{") ? JSON.parse(line) : null))
    .filter((entry) => entry?.trace_id === traceId);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe("traceparent (W3C Trace Context)", () => {
  it.each([
    ["a 200", "GET", "/health"],
    ["a 404", "GET", "/api/v1/no-such-thing"],
    ["a 401", "GET", "/api/v1/users/me"],
    ["a 422", "GET", "/api/v1/products/not-a-uuid"],
  ])(
    "continues the caller's trace on %s: same trace id, this request's span id",
    async (_l, method, path) => {
      const response = await api(path, { method, headers: { traceparent: VALID } });
      const trace = traceOf(response);
      expect(trace.traceId).toBe(TRACE_ID);
      expect(trace.spanId).not.toBe(PARENT_ID);
      expect(trace.flags).toBe("01");
    },
  );

  it("keeps the caller's unsampled flag", async () => {
    const response = await api("/health", {
      headers: { traceparent: `00-${TRACE_ID}-${PARENT_ID}-00` },
    });
    expect(traceOf(response)).toMatchObject({ traceId: TRACE_ID, flags: "00" });
  });

  it("starts a new trace for every request that sends none", async () => {
    const [a, b] = [traceOf(await api("/health")), traceOf(await api("/health"))];
    expect(a.traceId).not.toBe(b.traceId);
    expect(a.flags).toBe("00");
  });

  it.each([
    ["upper-case", VALID.toUpperCase()],
    ["version ff", `ff-${TRACE_ID}-${PARENT_ID}-01`],
    ["all-zero trace id", `00-${"0".repeat(32)}-${PARENT_ID}-01`],
    ["garbage", "not a traceparent"],
    ["8 KiB", "0".repeat(8192)],
  ])(
    "ignores an invalid traceparent (%s): the request is answered, in a new trace",
    async (_l, value) => {
      const response = await api("/health", { headers: { traceparent: value } });
      expect(response.status).toBe(200);
      const trace = traceOf(response);
      expect(trace.traceId).not.toBe(TRACE_ID);
      expect(trace.traceId).not.toBe("0".repeat(32));
    },
  );

  it("puts the trace id and span id on the request's log line", async () => {
    const log = vi.spyOn(console, "log");
    const response = await api("/health", { headers: { traceparent: VALID } });
    const { spanId } = traceOf(response);
    const [line] = linesOf(log, TRACE_ID).filter((entry) => entry.message === "request");
    expect(line).toMatchObject({
      route: "/health",
      request_id: response.headers.get("X-Request-Id"),
      trace_id: TRACE_ID,
      span_id: spanId,
    });
  });

  it("is exposed to browsers, and accepted from them, on allowed origins", async () => {
    const preflight = await api("/api/v1/products", {
      method: "OPTIONS",
      headers: {
        Origin: "http://localhost:5173",
        "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "traceparent",
      },
    });
    expect(preflight.headers.get("Access-Control-Allow-Headers")?.toLowerCase()).toContain(
      "traceparent",
    );
    const res = await api("/health", { headers: { Origin: "http://localhost:5173" } });
    expect(res.headers.get("Access-Control-Expose-Headers")?.toLowerCase()).toContain(
      "traceparent",
    );
  });

  it("reaches the queue consumer: the mail a request queues is delivered under its trace id", async () => {
    const log = vi.spyOn(console, "log");
    const traceId = crypto.randomUUID().replaceAll("-", "");
    const user = await createUser();
    const response = await api("/api/v1/auth/password-reset", {
      method: "POST",
      body: { email: user.email },
      headers: { traceparent: `00-${traceId}-${PARENT_ID}-01` },
    });
    expect(response.status).toBe(202);
    const { spanId } = traceOf(response);
    const delivered = await vi.waitFor(
      () => {
        const found = linesOf(log, traceId).find((entry) => entry.message === "mail sent");
        if (!found) throw new Error("not delivered yet");
        return found;
      },
      { timeout: 10_000, interval: 100 },
    );
    // The consumer's span is its own, in the request's trace, on the mail queue.
    expect(delivered.span_id).toMatch(/^[0-9a-f]{16}$/);
    expect(delivered.span_id).not.toBe(spanId);
    expect(delivered.queue).toBe("edge-store-mail");
    expect(delivered.message_id).toEqual(expect.any(String));
    // The log mailer's line for the same message carries the trace too.
    expect(
      linesOf(log, traceId).some((entry) => entry.message === "mail (development log mailer)"),
    ).toBe(true);
  });
});
