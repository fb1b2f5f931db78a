import { z } from "@hono/zod-openapi";
import { v7 as uuidv7 } from "uuid";

/** Time-ordered ids (UUIDv7): monotonic within an isolate, so they index well. */
export function newId(): string {
  return uuidv7();
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return UUID_PATTERN.test(value);
}

/**
 * An id a client sends (path, query or body). UUIDs compare case-insensitively (RFC 9562),
 * and ours are stored lower-case, so an upper-case id finds its row.
 */
export function idInput() {
  return z.uuid().overwrite((id) => id.toLowerCase());
}
