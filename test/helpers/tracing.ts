import type { Tracer } from "../../src/lib/tracing";

/** A span as the runtime hands one out, keeping its attributes. */
export class FakeSpan {
  readonly attributes: Record<string, string | number | boolean> = {};

  constructor(
    readonly name: string,
    readonly isTraced: boolean,
    private readonly ids = { traceId: "0".repeat(32), spanId: "0".repeat(16) },
  ) {}

  spanContext() {
    return { ...this.ids, traceFlags: this.isTraced ? 1 : 0 };
  }

  setAttribute(key: string, value: string | number | boolean) {
    this.attributes[key] = value;
    return this;
  }
}

/**
 * The runtime's tracing API, recording the spans entered. `traced`: whether this invocation
 * is sampled; `root`: the invocation's span, what getActiveSpan() returns (by default one
 * that is traced or not as the invocation is).
 */
export class RecordingTracer implements Tracer {
  readonly spans: FakeSpan[] = [];

  readonly root: FakeSpan;

  constructor(traced = true, root?: FakeSpan) {
    this.root = root ?? new FakeSpan("invocation", traced);
  }

  enterSpan<T, A extends unknown[]>(
    name: string,
    callback: (span: Span, ...args: A) => T,
    ...args: A
  ): T {
    const span = new FakeSpan(name, this.root.isTraced);
    this.spans.push(span);
    return callback(span as unknown as Span, ...args);
  }

  getActiveSpan(): Span {
    return this.root as unknown as Span;
  }
}
