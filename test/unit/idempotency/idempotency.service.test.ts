import { beforeEach, describe, expect, it } from "vitest";
import type { IdempotencyRecord } from "../../../src/domains/idempotency/idempotency.repository";
import {
  canonicalJson,
  decide,
  fingerprintOf,
  IDEMPOTENCY_TTL_SECONDS,
  IdempotencyService,
  type IdempotentRequest,
  KeyAlreadyAnswered,
  type KeyCheck,
} from "../../../src/domains/idempotency/idempotency.service";
import { addSeconds, type Clock } from "../../../src/lib/clock";
import { changed, FakeUnitOfWork, fakeStatement } from "../../fakes/unit-of-work";
import { FakeIdempotencyRepository } from "./fake-idempotency.repository";

const T0 = new Date("2026-11-21T10:00:00.000Z");
const later = (seconds: number) => addSeconds(T0, seconds);

describe("decide", () => {
  const record = (
    state: "in_flight" | "completed",
    fingerprint = "f1",
    expiresAt = later(60).toISOString(),
  ) => ({ state, fingerprint, expiresAt });

  it.each([
    ["no record", null, "f1", "claim"],
    ["a completed record, same body", record("completed"), "f1", "replay"],
    ["a completed record, another body", record("completed"), "f2", "mismatch"],
    ["a record in flight, same body", record("in_flight"), "f1", "in_flight"],
    ["a record in flight, another body", record("in_flight"), "f2", "mismatch"],
    ["an expired completed record", record("completed", "f1", T0.toISOString()), "f2", "claim"],
    ["an abandoned claim", record("in_flight", "f1", later(-1).toISOString()), "f1", "claim"],
  ] as const)("%s → %s", (_name, existing, fingerprint, expected) => {
    expect(decide(existing, fingerprint, T0)).toBe(expected);
  });
});

describe("fingerprints", () => {
  const request: IdempotentRequest = {
    userId: "u1",
    key: "k",
    method: "POST",
    path: "/api/v1/orders",
    body: { items: [{ product_id: "a", quantity: 1 }] },
  };

  it("ignore key order and whitespace, not values or array order", () => {
    expect(canonicalJson({ b: 1, a: [2, { d: null, c: "x" }] })).toBe(
      '{"a":[2,{"c":"x","d":null}],"b":1}',
    );
    expect(canonicalJson({ a: undefined, b: 1 })).toBe('{"b":1}');
  });

  it("is a SHA-256 hex digest that changes with the user, method, path and body", async () => {
    const base = await fingerprintOf(request);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    const reordered = { items: [{ quantity: 1, product_id: "a" }] };
    expect(await fingerprintOf({ ...request, body: reordered })).toBe(base);
    const variants = [
      { ...request, userId: "u2" },
      { ...request, method: "PUT" },
      { ...request, path: "/api/v1/other" },
      { ...request, body: { items: [{ product_id: "a", quantity: 2 }] } },
    ];
    for (const variant of variants) expect(await fingerprintOf(variant)).not.toBe(base);
    // Different keys share nothing: the fingerprint is what a key's requests must agree on.
    expect(await fingerprintOf({ ...request, key: "other" })).toBe(base);
  });
});

describe("IdempotencyService", () => {
  let repository: FakeIdempotencyRepository;
  let unitOfWork: FakeUnitOfWork;
  let service: IdempotencyService;
  let now: Date;
  const clock: Clock = { now: () => now };
  const request: IdempotentRequest = {
    userId: "u1",
    key: "key-1",
    method: "POST",
    path: "/api/v1/orders",
    body: { items: [{ product_id: "a", quantity: 1 }] },
  };
  const created = { status: 201, body: '{"id":"o1"}', headers: { Location: "/api/v1/orders/o1" } };
  /** The operation's own writes, committed in its batch with the key's record. */
  let operationRuns: number;
  const operation = fakeStatement(() => {
    operationRuns += 1;
    return changed(1);
  }, "operation");

  /** A request's key, read with the operation's first read. */
  async function checked(of: IdempotentRequest = request) {
    const check = await service.check(of);
    repository.operationRead();
    return check;
  }

  /** What the operation's batch does: the key's record first, then its own writes. */
  async function commit(check: KeyCheck, response = created) {
    await unitOfWork
      .begin()
      .add(...service.completion(check, response), operation)
      .commit();
  }

  /** A record as another request (or an older version) left it. */
  function existing(values: Partial<IdempotencyRecord>) {
    const record: IdempotencyRecord = {
      userId: "u1",
      key: "key-1",
      fingerprint: "f",
      state: "completed",
      responseStatus: 201,
      responseBody: '{"id":"theirs"}',
      responseHeaders: "{}",
      createdAt: T0.toISOString(),
      expiresAt: later(60).toISOString(),
      ...values,
    };
    repository.rows.set(`${record.userId}\u0000${record.key}`, record);
  }

  beforeEach(() => {
    now = T0;
    operationRuns = 0;
    repository = new FakeIdempotencyRepository();
    unitOfWork = new FakeUnitOfWork([repository]);
    service = new IdempotencyService(repository, unitOfWork, clock);
  });

  it("looks the key up with the operation's first read, not in a read of its own", async () => {
    const check = await service.check(request);
    expect(check.record).toBeUndefined();
    repository.operationRead();
    expect(check.record).toBeNull();
    expect(await service.verdict(check)).toEqual({ kind: "run" });
  });

  it("records the response in the operation's own batch, completed, for 24 hours", async () => {
    const check = await checked();
    await commit(check);
    expect(operationRuns).toBe(1);
    expect(unitOfWork.commits).toEqual([
      ["idempotency.deleteExpired", "idempotency.insert", "operation"],
    ]);
    expect(await repository.find("u1", "key-1")).toMatchObject({
      state: "completed",
      fingerprint: check.fingerprint,
      responseStatus: 201,
      expiresAt: later(IDEMPOTENCY_TTL_SECONDS).toISOString(),
    });
  });

  it("replays the completed response for 24 hours, then treats the key as new", async () => {
    await commit(await checked());
    now = later(IDEMPOTENCY_TTL_SECONDS - 1);
    expect(await service.verdict(await checked())).toEqual({ kind: "replay", response: created });
    now = later(IDEMPOTENCY_TTL_SECONDS);
    const retry = await checked();
    expect(await service.verdict(retry)).toEqual({ kind: "run" });
    await commit(retry);
    expect(operationRuns).toBe(2);
  });

  it("a replay never builds the operation's batch: completion refuses", async () => {
    await commit(await checked());
    const retry = await checked();
    expect(() => service.completion(retry, created)).toThrow(KeyAlreadyAnswered);
    expect(operationRuns).toBe(1);
  });

  it("refuses the same key with another body: idempotency_key_mismatch", async () => {
    await commit(await checked());
    const other = await checked({ ...request, body: { items: [] } });
    await expect(service.verdict(other)).rejects.toMatchObject({
      code: "idempotency_key_mismatch",
      errors: [{ path: "Idempotency-Key", code: "idempotency_key_mismatch" }],
    });
    expect(() => service.completion(other, created)).toThrow(KeyAlreadyAnswered);
  });

  it("answers a key whose record is still in flight with idempotency_key_in_flight", async () => {
    const fingerprint = await fingerprintOf(request);
    existing({ fingerprint, state: "in_flight", responseStatus: null, responseBody: null });
    const check = await checked();
    await expect(service.verdict(check)).rejects.toMatchObject({
      code: "idempotency_key_in_flight",
    });
    expect(() => service.completion(check, created)).toThrow(KeyAlreadyAnswered);
  });

  it("an in-flight record past its lease is replaced by the next request's outcome", async () => {
    existing({ state: "in_flight", expiresAt: later(-1).toISOString() });
    const check = await checked();
    expect(await service.verdict(check)).toEqual({ kind: "run" });
    await commit(check);
    expect(await repository.find("u1", "key-1")).toMatchObject({
      state: "completed",
      fingerprint: check.fingerprint,
    });
  });

  it("a request that finds the key recorded since its read: its whole batch aborts, and the winner's record answers", async () => {
    const check = await checked();
    const winner = await checked();
    await commit(winner);
    const failure = await commit(check).catch((error: unknown) => error);
    expect(service.isKeyTaken(failure)).toBe(true);
    expect(operationRuns).toBe(1);
    expect(unitOfWork.rolledBack).toBe(1);
    expect(await service.verdict(check, true)).toEqual({ kind: "replay", response: created });
  });

  it("after losing the key to another body, the re-read answers mismatch", async () => {
    const check = await checked();
    existing({ fingerprint: "someone else's body" });
    const failure = await commit(check).catch((error: unknown) => error);
    expect(service.isKeyTaken(failure)).toBe(true);
    await expect(service.verdict(check, true)).rejects.toMatchObject({
      code: "idempotency_key_mismatch",
    });
  });

  it("a key found taken but with no live record on the re-read is in flight, never run twice", async () => {
    const check = await checked();
    await expect(service.verdict(check, true)).rejects.toMatchObject({
      code: "idempotency_key_in_flight",
    });
  });

  it("reads the key itself when the operation made no read", async () => {
    await commit(await checked());
    const check = await service.check(request);
    expect(await service.verdict(check)).toEqual({ kind: "replay", response: created });
  });

  it("keys are per user", async () => {
    await commit(await checked());
    const bob = await checked({ ...request, userId: "u2" });
    expect(await service.verdict(bob)).toEqual({ kind: "run" });
  });

  it("stores a refusal to replay it; one that finds the key taken answers as the winner's record", async () => {
    const refused = { status: 409, body: '{"code":"out_of_stock"}', headers: {} };
    expect(await service.store(await checked(), refused)).toEqual({ kind: "run" });
    expect(await service.verdict(await checked())).toEqual({ kind: "replay", response: refused });

    const other = { ...request, key: "key-2" };
    const late = await checked(other);
    const winner = await checked(other);
    await commit(winner);
    expect(await service.store(late, refused)).toEqual({ kind: "replay", response: created });
  });

  it("purges expired records only", async () => {
    await commit(await checked());
    existing({ key: "abandoned", state: "in_flight", responseStatus: null, responseBody: null });
    now = later(60);
    expect(await service.purgeExpired()).toBe(1);
    expect(await repository.find("u1", "abandoned")).toBeNull();
    expect(await repository.find("u1", "key-1")).not.toBeNull();
    now = later(IDEMPOTENCY_TTL_SECONDS);
    expect(await service.purgeExpired()).toBe(1);
    expect(repository.rows.size).toBe(0);
  });
});
