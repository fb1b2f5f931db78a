import type { Statement, UnitOfWorkFactory } from "../../db/unit-of-work";
import { addSeconds, type Clock } from "../../lib/clock";
import { sha256Hex } from "../../lib/encoding";
import { IdempotencyKeyInFlightError, IdempotencyKeyMismatchError } from "./idempotency.errors";
import type { IdempotencyRecord, IdempotencyRepository } from "./idempotency.repository";

/** How long a completed response is replayed (the cron purges it afterwards). */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;

/** What identifies a request under a key: another body under the same key is refused. */
export type IdempotentRequest = {
  userId: string;
  key: string;
  method: string;
  path: string;
  body: unknown;
};

/** A response as stored and replayed: the exact body bytes and the headers worth keeping. */
export type StoredResponse = { status: number; body: string; headers: Record<string, string> };

/**
 * One request's key: its fingerprint, and the key's record once the request's first read
 * has carried its lookup (`undefined` until then; null when the key has none), with when
 * it was read: every decision on that record is made as of then, so they all agree.
 */
export type KeyCheck = {
  userId: string;
  key: string;
  fingerprint: string;
  record: IdempotencyRecord | null | undefined;
  readAt: Date;
};

/** What the key's record says: run the operation, or replay the stored response. */
export type Verdict = { kind: "run" } | { kind: "replay"; response: StoredResponse };

export type Decision = "claim" | "replay" | "mismatch" | "in_flight";

/**
 * What a request does with the record its key already has (IETF idempotency-key draft):
 * none or expired → claim it; another fingerprint → mismatch (422); still in flight →
 * in_flight (409); completed → replay the stored response. Records are written completed,
 * with the operation's own batch; an in-flight one is only met from a version that claimed
 * keys first, until its lease expires.
 */
export function decide(
  existing: Pick<IdempotencyRecord, "fingerprint" | "state" | "expiresAt"> | null,
  fingerprint: string,
  now: Date,
): Decision {
  if (!existing || existing.expiresAt <= now.toISOString()) return "claim";
  if (existing.fingerprint !== fingerprint) return "mismatch";
  return existing.state === "completed" ? "replay" : "in_flight";
}

/** JSON with object keys sorted, so the same body always has the same fingerprint. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, item]) => `${JSON.stringify(k)}:${canonicalJson(item)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

/** SHA-256 (hex) of the user, method, path and canonical body. */
export function fingerprintOf(request: IdempotentRequest): Promise<string> {
  return sha256Hex(canonicalJson([request.userId, request.method, request.path, request.body]));
}

function toStoredResponse(record: IdempotencyRecord): StoredResponse {
  // A completed record always has both; a row without them is corrupt, not a response.
  if (record.responseStatus === null || record.responseBody === null) {
    throw new Error(`Idempotency record ${record.key} is completed without a response`);
  }
  return {
    status: record.responseStatus,
    body: record.responseBody,
    headers: record.responseHeaders ? JSON.parse(record.responseHeaders) : {},
  };
}

/**
 * Raised by `completion` when the key's record says the operation must not run again (a
 * replay): it aborts the operation before its batch, and the caller answers with `verdict`.
 */
export class KeyAlreadyAnswered extends Error {
  constructor() {
    super("The Idempotency-Key already has a response");
    this.name = "KeyAlreadyAnswered";
  }
}

/**
 * Idempotency-Key handling for any operation, in the operation's own round trips: the key
 * is looked up with the operation's first read (`check`), and its response is recorded in
 * the operation's own batch (`completion`), so the record exists if and only if the
 * operation committed. Two requests racing with one key both run up to their batch; the
 * primary key lets one commit and aborts the other whole, which then answers as the
 * winner's record says (`verdict` with a fresh read). An error outcome is `store`d.
 */
export class IdempotencyService {
  constructor(
    private readonly records: IdempotencyRepository,
    private readonly unitOfWork: UnitOfWorkFactory,
    private readonly clock: Clock,
  ) {}

  /** Queues the key's lookup onto the request's next read: no round trip of its own. */
  async check(request: IdempotentRequest): Promise<KeyCheck> {
    const check: KeyCheck = {
      userId: request.userId,
      key: request.key,
      fingerprint: await fingerprintOf(request),
      record: undefined,
      readAt: this.clock.now(),
    };
    this.records.findWithNextRead(request.userId, request.key, (record) => {
      check.record = record;
      check.readAt = this.clock.now();
    });
    return check;
  }

  /**
   * What the key's record says: run, or replay; mismatch (422) and in-flight (409) are
   * thrown. `reread` (after the batch found the key taken) reads the record again, in a
   * trip of its own: the winner's record is the answer, and if none is live any more the
   * caller is told to retry (409 in flight) rather than run the operation a second time.
   */
  async verdict(check: KeyCheck, reread = false): Promise<Verdict> {
    if (reread || check.record === undefined) {
      check.readAt = this.clock.now();
      check.record = await this.records.find(check.userId, check.key);
    }
    const decision = decide(check.record, check.fingerprint, check.readAt);
    if (decision === "mismatch") throw new IdempotencyKeyMismatchError();
    if (decision === "in_flight") throw new IdempotencyKeyInFlightError();
    if (decision === "replay" && check.record) {
      return { kind: "replay", response: toStoredResponse(check.record) };
    }
    if (reread) throw new IdempotencyKeyInFlightError();
    return { kind: "run" };
  }

  /**
   * Statements that record `response` under the key, to commit in the operation's own
   * batch (first, so that a taken key is what aborts it). Throws `KeyAlreadyAnswered` when
   * the record read with the operation says it must not run; a record written since makes
   * the batch abort instead (`isKeyTaken`), so the operation never commits twice.
   */
  completion(check: KeyCheck, response: StoredResponse): Statement[] {
    const answered = check.record !== undefined && check.record !== null;
    if (answered && decide(check.record ?? null, check.fingerprint, check.readAt) !== "claim") {
      throw new KeyAlreadyAnswered();
    }
    const now = this.clock.now();
    return this.records.record(
      {
        userId: check.userId,
        key: check.key,
        fingerprint: check.fingerprint,
        state: "completed",
        responseStatus: response.status,
        responseBody: response.body,
        responseHeaders: JSON.stringify(response.headers),
        createdAt: now.toISOString(),
        expiresAt: addSeconds(now, IDEMPOTENCY_TTL_SECONDS).toISOString(),
      },
      now.toISOString(),
    );
  }

  isKeyTaken(error: unknown): boolean {
    return this.records.isKeyTaken(error);
  }

  /**
   * Stores an outcome that wrote nothing else (a refused request), to replay it too. If a
   * concurrent request recorded the key meanwhile, its record is the answer (`verdict`).
   */
  async store(check: KeyCheck, response: StoredResponse): Promise<Verdict> {
    try {
      await this.unitOfWork
        .begin()
        .add(...this.completion(check, response))
        .commit();
      return { kind: "run" };
    } catch (error) {
      if (!this.isKeyTaken(error)) throw error;
      return this.verdict(check, true);
    }
  }

  /** For the cron: deletes expired records. */
  purgeExpired(): Promise<number> {
    return this.records.deleteExpired(this.clock.now().toISOString());
  }
}
