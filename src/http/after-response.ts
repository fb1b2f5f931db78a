import type { Context } from "hono";
import { errorLogFields } from "../lib/error-log";
import { jsonLogger, type Logger } from "../lib/logger";

/**
 * Runs `task` without holding the response: the runtime keeps the isolate alive for it
 * (ctx.waitUntil). Without an execution context (app.request() in a unit test, where Hono's
 * getter throws) it is awaited instead. A failure is logged, never answered: whatever it
 * left undone must have a fallback (the outbox cron re-enqueues unsent mail).
 */
export async function afterResponse(
  c: Context,
  name: string,
  task: () => Promise<unknown>,
): Promise<void> {
  const run = task().catch((error: unknown) => {
    // The request's logger carries its request and trace ids (request-context.ts).
    const log = (c.get("log") as Logger | undefined) ?? jsonLogger;
    log.error("background task failed", { task: name, ...errorLogFields(error) });
  });
  let ctx: { waitUntil(promise: Promise<unknown>): void } | undefined;
  try {
    ctx = c.executionCtx;
  } catch {
    ctx = undefined;
  }
  if (ctx) ctx.waitUntil(run);
  else await run;
}
