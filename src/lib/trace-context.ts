/**
 * W3C Trace Context (https://www.w3.org/TR/trace-context/): the `traceparent` a caller sends
 * is `version-traceid-parentid-flags` in lowercase hex. A request continues the caller's
 * trace (same trace id) as a span of its own; without a valid traceparent it starts a trace.
 */

/** This request's place in a trace, written into its log lines and its response. */
export type TraceContext = {
  /** 32 lowercase hex digits: the caller's, or a fresh one. */
  traceId: string;
  /** 16 lowercase hex digits: this request's span (fresh for every request). */
  spanId: string;
  /** The caller's span (the traceparent's parent-id), or null when the trace starts here. */
  parentId: string | null;
  /** The caller's sampled flag (trace-flags bit 0); false when the trace starts here. */
  sampled: boolean;
};

/** The ids of a span the runtime records, when it records this request (see tracing.ts). */
export type SpanIds = { readonly traceId: string; readonly spanId: string };

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;
const ZERO_TRACE_ID = "0".repeat(32);
const ZERO_SPAN_ID = "0".repeat(16);
/** Version 255 is forbidden by the spec. */
const INVALID_VERSION = "ff";
/** The only version defined so far: exactly 55 characters, nothing after the flags. */
const VERSION_00 = "00";

/**
 * The caller's trace id, parent id and sampled flag, or null when the header is missing or
 * invalid (it is then ignored, as the spec says: a new trace starts). Rules: lowercase hex
 * only, version not `ff`, ids not all zeros, version 00 exactly 55 characters; a later
 * version may append `-...` fields, which are ignored.
 */
export function parseTraceparent(
  header: string | null | undefined,
): { traceId: string; parentId: string; sampled: boolean } | null {
  if (!header) return null;
  const match = TRACEPARENT.exec(header);
  if (!match) return null;
  const [, version, traceId, parentId, flags, rest] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string | undefined,
  ];
  if (version === INVALID_VERSION) return null;
  if (version === VERSION_00 && rest !== undefined) return null;
  if (traceId === ZERO_TRACE_ID || parentId === ZERO_SPAN_ID) return null;
  return { traceId, parentId, sampled: (Number.parseInt(flags, 16) & 1) === 1 };
}

/**
 * 32 random hex digits, never all zeros (the spec's invalid id): a v4 UUID without its
 * dashes. randomUUID is native and ~5x cheaper in workerd than getRandomValues into a
 * fresh array; its fixed version digit costs 4 of 128 bits, irrelevant for an id.
 */
function randomHex32(): string {
  return crypto.randomUUID().replaceAll("-", "");
}

/** 16 hex digits: the first half of a v4 UUID (its version digit keeps it non-zero). */
function randomSpanId(): string {
  return randomHex32().slice(0, 16);
}

/**
 * The request's trace context: the caller's trace continued when its traceparent is valid;
 * otherwise a new trace, whose ids are the runtime's own when it records this request
 * (`recorded`), so log lines, the response and the Workers trace share one trace id.
 */
export function continueTrace(
  header: string | null | undefined,
  recorded?: SpanIds | null,
): TraceContext {
  const caller = parseTraceparent(header);
  if (caller) return { ...caller, spanId: randomSpanId() };
  if (recorded) {
    return { traceId: recorded.traceId, spanId: recorded.spanId, parentId: null, sampled: true };
  }
  return { traceId: randomHex32(), spanId: randomSpanId(), parentId: null, sampled: false };
}

/** The traceparent naming this request's span: `00-<trace id>-<span id>-<01|00>`. */
export function formatTraceparent(trace: TraceContext): string {
  return `00-${trace.traceId}-${trace.spanId}-${trace.sampled ? "01" : "00"}`;
}
