/**
 * Structured logs: one JSON object per line, which Workers Observability indexes.
 * Callers pass only safe fields; bodies, tokens and passwords are never logged.
 */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

type Level = "info" | "warn" | "error";

function write(level: Level, message: string, context: LogFields, fields: LogFields = {}): void {
  const line = JSON.stringify({
    level,
    message,
    time: new Date().toISOString(),
    ...context,
    ...fields,
  });
  if (level === "error") console.error(line);
  else if (level === "warn") console.warn(line);
  else console.log(line);
}

const NO_CONTEXT: LogFields = {};

/**
 * A logger whose every line carries `context` (a request's request_id and trace_id, a queue
 * message's): one object per request, the fields are only merged when a line is written.
 */
export class ContextLogger implements Logger {
  readonly context: LogFields;

  // A plain field, not a parameter property: Node scripts strip this file's types.
  constructor(context: LogFields = NO_CONTEXT) {
    this.context = context;
  }

  info(message: string, fields?: LogFields): void {
    write("info", message, this.context, fields);
  }

  warn(message: string, fields?: LogFields): void {
    write("warn", message, this.context, fields);
  }

  error(message: string, fields?: LogFields): void {
    write("error", message, this.context, fields);
  }
}

/** Lines outside any request or message (cron runs, module start-up). */
export const jsonLogger: Logger = new ContextLogger();
