import { createMiddleware } from "hono/factory";
import { newId } from "../lib/ids";
import { ContextLogger } from "../lib/logger";
import { continueTrace, formatTraceparent } from "../lib/trace-context";
import { annotate, recordedRoot, runtimeTracer, type Tracer } from "../lib/tracing";
import type { AppEnv } from "./app-env";

export const REQUEST_ID_HEADER = "X-Request-Id";
/** W3C Trace Context's header, in the spelling the spec gives (header names ignore case). */
export const TRACEPARENT_HEADER = "traceparent";

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Who this request is, for logs and for the caller: its request id, its place in a trace,
 * and a logger whose every line carries both. Answers with `X-Request-Id` and `traceparent`.
 *
 * Request id: the caller's X-Request-Id when it is safe to echo and log, otherwise a new one.
 * Not hono/request-id: its generator option fits (newId), but its check of the incoming
 * value is fixed (`[\w\-=]` up to limitLength), so it would refuse the `.` and `:` of ids
 * the contract accepts (1..128 of `A-Za-z0-9._:-`) and accept `=` it does not.
 *
 * Trace: a valid `traceparent` is continued (same trace id, a new span id for this request);
 * an invalid one is ignored and a new trace starts, with the runtime's trace id when it
 * records this request. The response's traceparent names this request's span, so a caller
 * can quote it, and a downstream call could be made its child.
 */
export function requestContext(tracer: Tracer = runtimeTracer) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const incoming = c.req.header(REQUEST_ID_HEADER);
    const id = incoming && SAFE_REQUEST_ID.test(incoming) ? incoming : newId();
    const root = recordedRoot(tracer);
    const trace = continueTrace(c.req.header(TRACEPARENT_HEADER), root?.spanContext());
    // The runtime does not adopt a caller's trace: its trace names the caller's for search.
    if (root && trace.parentId) {
      annotate(root, { "w3c.trace_id": trace.traceId, "w3c.parent_id": trace.parentId });
    }
    c.set("requestId", id);
    c.set("trace", trace);
    c.set(
      "log",
      new ContextLogger({ request_id: id, trace_id: trace.traceId, span_id: trace.spanId }),
    );
    await next();
    c.res.headers.set(REQUEST_ID_HEADER, id);
    c.res.headers.set(TRACEPARENT_HEADER, formatTraceparent(trace));
  });
}
