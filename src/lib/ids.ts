import { z } from "@hono/zod-openapi";
import { v7 as uuidv7 } from "uuid";

/** Time-ordered ids (UUIDv7): monotonic within an isolate, so they index well. */
export function newId(): string {
  return uuidv7();
}

/**
 * An id a client sends (path, query or body). UUIDs compare case-insensitively (RFC 9562),
 * and ours are stored lower-case, so an upper-case id finds its row.
 */
export function idInput() {
  return z.uuid().overwrite((id) => id.toLowerCase());
}
