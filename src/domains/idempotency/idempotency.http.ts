import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { Statement } from "../../db/unit-of-work";
import type { AppEnv } from "../../http/app-env";
import { PROBLEM_CONTENT_TYPE, toProblem } from "../../http/problem";
import { AppError } from "../../lib/errors";
import { IDEMPOTENCY_TTL_SECONDS, type StoredResponse } from "./idempotency.service";

/** How long a key's first response is replayed, as the documentation states it. */
export const REPLAY_WINDOW = `${IDEMPOTENCY_TTL_SECONDS / 3600} h`;

/** Route glue for the Idempotency-Key header: its schema, and running a handler under it. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

/** Hono's validator matches header names case-insensitively to the schema's keys. */
export const idempotencyKeyHeaders = z.object({
  "Idempotency-Key": z
    .string()
    .min(1)
    .max(MAX_IDEMPOTENCY_KEY_LENGTH)
    .optional()
    .openapi({
      param: {
        description: `Any unique string (1..255 characters, e.g. a UUID) to make retries safe. A retry with the same key and body within ${REPLAY_WINDOW} gets the first response again, with \`Idempotent-Replayed: true\`; the same key with another body is 422 \`idempotency_key_mismatch\`. A retry that overlaps the first request gets the first's response once it commits (never a second order); 409 \`idempotency_key_in_flight\` if the key's record is still marked in flight.`,
      },
      example: "5f0c1e9a-0d7b-4c1e-9a53-2f6d1b7e8c40",
    }),
});

export const idempotentReplayedHeader = z.string().optional().openapi({
  description: "`true` when this response is the stored response to an earlier request",
  example: "true",
});

/** A JSON response as the handler produces it and as it is stored for replay. */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): StoredResponse {
  return {
    status,
    body: JSON.stringify(body),
    headers: { "Content-Type": "application/json", ...headers },
  };
}

function send(response: StoredResponse, extra: Record<string, string> = {}): Response {
  return new Response(response.body, {
    status: response.status,
    headers: { ...response.headers, ...extra },
  });
}

/** Gives `commit` the statements that record the response; none without a key. */
export type Completion = (response: StoredResponse) => Statement[];

const REPLAYED = { "Idempotent-Replayed": "true" };

/**
 * Runs `handle` once per Idempotency-Key, in the handler's own round trips: the key is
 * looked up with the handler's first read, and the handler commits `complete(response)` in
 * its own batch, so its writes and the stored response commit together (or the batch
 * aborts because a concurrent request recorded the key first). Whenever the key's record
 * says so, its answer (replay, 422 mismatch, 409 in flight) replaces the handler's own.
 * A domain refusal (4xx) is stored and replayed as well (the request ran, and retrying
 * changes nothing). A failure before the key was read (the caller's account refused, the
 * body's own rules, D1 down) left nothing under the key: it is answered and not stored.
 */
export async function idempotent(
  c: Context<AppEnv>,
  request: { key: string | undefined; userId: string; body: unknown },
  handle: (complete: Completion) => Promise<StoredResponse>,
): Promise<Response> {
  if (request.key === undefined) return send(await handle(() => []));
  const service = c.var.services.idempotency;
  const check = await service.check({
    userId: request.userId,
    key: request.key,
    method: c.req.method,
    path: c.req.path,
    body: request.body,
  });
  try {
    return send(await handle((response) => service.completion(check, response)));
  } catch (error) {
    if (check.record === undefined) throw error;
    const verdict = await service.verdict(check, service.isKeyTaken(error));
    if (verdict.kind === "replay") return send(verdict.response, REPLAYED);
    if (!(error instanceof AppError) || error.status >= 500) throw error;
    const stored = await service
      .store(check, {
        status: error.status,
        body: JSON.stringify(toProblem(error, c.var.requestId)),
        headers: { "Content-Type": PROBLEM_CONTENT_TYPE },
      })
      .catch((cause: unknown) => {
        if (cause instanceof AppError) throw cause;
        // The caller gets the original refusal; only its replay is lost.
        c.var.log.error("idempotency record not stored", {
          error: cause instanceof Error ? cause.name : "unknown",
        });
        return { kind: "run" } as const;
      });
    if (stored.kind === "replay") return send(stored.response, REPLAYED);
    throw error;
  }
}
