import type { Statement, UnitOfWorkFactory } from "../../db/unit-of-work";
import { addSeconds, type Clock } from "../../lib/clock";
import { sha256Hex } from "../../lib/encoding";
import { IdempotencyKeyInFlightError, IdempotencyKeyMismatchError } from "./idempotency.errors";
import type { ClaimRef, IdempotencyRecord, IdempotencyRepository } from "./idempotency.repository";

/** How long a completed response is replayed (the cron purges it afterwards). */
export const IDEMPOTENCY_TTL_SECONDS = 24 * 60 * 60;
/**
 * How long a claim may stay in flight: past it, its request is taken to have died (the
 * client went away, the isolate was evicted) and the key can be claimed again, instead of
 * answering in_flight for a day.
 */
export const IN_FLIGHT_LEASE_SECONDS = 60;

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

export type Claim = ClaimRef & { fingerprint: string };

export type Begin =
  | { kind: "replay"; response: StoredResponse }
  | { kind: "claimed"; claim: Claim };

export type Decision = "claim" | "replay" | "mismatch" | "in_flight";

/**
 * What a request does with the record its key already has (IETF idempotency-key draft):
 * none or expired → claim it; another fingerprint → mismatch (422); still in flight →
 * in_flight (409); completed → replay the stored response.
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
 * Idempotency-Key handling for any operation: claim a key, then either commit its
 * response together with the operation's own writes (`completion`) or store an error
 * outcome (`store`), or give the key back when the operation failed unexpectedly.
 */
export class IdempotencyService {
  constructor(
    private readonly records: IdempotencyRepository,
    private readonly unitOfWork: UnitOfWorkFactory,
    private readonly clock: Clock,
  ) {}

  async begin(request: IdempotentRequest): Promise<Begin> {
    const fingerprint = await fingerprintOf(request);
    // A second pass only after losing a race for the key, to answer as the winner's record says.
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const now = this.clock.now();
      const existing = await this.records.find(request.userId, request.key);
      const decision = decide(existing, fingerprint, now);
      if (decision === "mismatch") throw new IdempotencyKeyMismatchError();
      if (decision === "in_flight") throw new IdempotencyKeyInFlightError();
      if (decision === "replay" && existing) {
        return { kind: "replay", response: toStoredResponse(existing) };
      }
      const claim: Claim = {
        userId: request.userId,
        key: request.key,
        fingerprint,
        createdAt: now.toISOString(),
      };
      const record: IdempotencyRecord = {
        ...claim,
        state: "in_flight",
        responseStatus: null,
        responseBody: null,
        responseHeaders: null,
        expiresAt: addSeconds(now, IN_FLIGHT_LEASE_SECONDS).toISOString(),
      };
      if (await this.records.claim(record, now.toISOString())) return { kind: "claimed", claim };
    }
    throw new IdempotencyKeyInFlightError();
  }

  /**
   * Statements that store `response` for the claim, to commit in the operation's own batch:
   * the response is recorded if and only if the operation commits. If the claim was lost
   * meanwhile, they abort that batch (`isLostClaim`), so the operation never runs twice.
   */
  completion(claim: Claim, response: StoredResponse): Statement[] {
    const now = this.clock.now();
    return this.records.complete(claim, {
      ...claim,
      state: "completed",
      responseStatus: response.status,
      responseBody: response.body,
      responseHeaders: JSON.stringify(response.headers),
      expiresAt: addSeconds(now, IDEMPOTENCY_TTL_SECONDS).toISOString(),
    });
  }

  isLostClaim(error: unknown): boolean {
    return this.records.isLostClaim(error);
  }

  /** Stores an outcome that wrote nothing else (a refused request), to replay it too. */
  async store(claim: Claim, response: StoredResponse): Promise<void> {
    try {
      await this.unitOfWork
        .begin()
        .add(...this.completion(claim, response))
        .commit();
    } catch (error) {
      // Lost to a later claim: that request's outcome is the one to replay.
      if (!this.isLostClaim(error)) throw error;
    }
  }

  /** Frees the key after an unexpected failure, so a retry runs again. */
  release(claim: Claim): Promise<void> {
    return this.records.release(claim);
  }

  /** For the cron: deletes expired records (abandoned claims included). */
  purgeExpired(): Promise<number> {
    return this.records.deleteExpired(this.clock.now().toISOString());
  }
}
