import { beforeEach, describe, expect, it } from "vitest";
import {
  canonicalJson,
  decide,
  fingerprintOf,
  IDEMPOTENCY_TTL_SECONDS,
  IdempotencyService,
  type IdempotentRequest,
  IN_FLIGHT_LEASE_SECONDS,
} from "../../../src/domains/idempotency/idempotency.service";
import { addSeconds, type Clock } from "../../../src/lib/clock";
import { FakeUnitOfWork } from "../fake-unit-of-work";
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

  async function claim() {
    const begun = await service.begin(request);
    if (begun.kind !== "claimed") throw new Error(`expected a claim, got ${begun.kind}`);
    return begun.claim;
  }

  /** What the operation's batch does: commit the completion with its own writes. */
  async function complete(claimed: Awaited<ReturnType<typeof claim>>) {
    await new FakeUnitOfWork([repository])
      .begin()
      .add(...service.completion(claimed, created))
      .commit();
  }

  beforeEach(() => {
    now = T0;
    repository = new FakeIdempotencyRepository();
    service = new IdempotencyService(repository, new FakeUnitOfWork([repository]), clock);
  });

  it("claims a new key in flight, for the lease only", async () => {
    const claimed = await claim();
    expect(claimed).toMatchObject({ userId: "u1", key: "key-1", createdAt: T0.toISOString() });
    expect(await repository.find("u1", "key-1")).toMatchObject({
      state: "in_flight",
      fingerprint: claimed.fingerprint,
      expiresAt: later(IN_FLIGHT_LEASE_SECONDS).toISOString(),
    });
  });

  it("replays the completed response for 24 hours, then treats the key as new", async () => {
    await complete(await claim());
    now = later(IDEMPOTENCY_TTL_SECONDS - 1);
    expect(await service.begin(request)).toEqual({ kind: "replay", response: created });
    now = later(IDEMPOTENCY_TTL_SECONDS);
    expect(await service.begin(request)).toMatchObject({ kind: "claimed" });
  });

  it("refuses the same key with another body: idempotency_key_mismatch", async () => {
    await complete(await claim());
    await expect(service.begin({ ...request, body: { items: [] } })).rejects.toMatchObject({
      code: "idempotency_key_mismatch",
      errors: [{ path: "Idempotency-Key", code: "idempotency_key_mismatch" }],
    });
  });

  it("answers a duplicate while the first is in flight with idempotency_key_in_flight", async () => {
    await claim();
    await expect(service.begin(request)).rejects.toMatchObject({
      code: "idempotency_key_in_flight",
    });
  });

  it("lets a claim whose request died be taken again after the lease", async () => {
    const abandoned = await claim();
    now = later(IN_FLIGHT_LEASE_SECONDS);
    const retaken = await claim();
    expect(retaken.createdAt).not.toBe(abandoned.createdAt);
  });

  it("a late completion of a lost claim aborts its batch instead of overwriting", async () => {
    const abandoned = await claim();
    now = later(IN_FLIGHT_LEASE_SECONDS);
    const retaken = await claim();
    const batch = new FakeUnitOfWork([repository])
      .begin()
      .add(...service.completion(abandoned, created));
    const failure = await batch.commit().catch((error: unknown) => error);
    expect(service.isLostClaim(failure)).toBe(true);
    expect(await repository.find("u1", "key-1")).toMatchObject({
      state: "in_flight",
      createdAt: retaken.createdAt,
    });
  });

  it("keys are per user", async () => {
    await claim();
    await expect(service.begin({ ...request, userId: "u2" })).resolves.toMatchObject({
      kind: "claimed",
    });
  });

  it("after losing the race for a key, answers as the winner's record says", async () => {
    repository.beforeClaim = () => {
      repository.rows.set("u1\u0000key-1", {
        userId: "u1",
        key: "key-1",
        fingerprint: "someone else's body",
        state: "in_flight",
        responseStatus: null,
        responseBody: null,
        responseHeaders: null,
        createdAt: T0.toISOString(),
        expiresAt: later(60).toISOString(),
      });
    };
    await expect(service.begin(request)).rejects.toMatchObject({
      code: "idempotency_key_mismatch",
    });
  });

  it("stores a refusal to replay it, and release frees the key for a retry", async () => {
    const refused = { status: 409, body: '{"code":"out_of_stock"}', headers: {} };
    await service.store(await claim(), refused);
    expect(await service.begin(request)).toEqual({ kind: "replay", response: refused });

    const other = { ...request, key: "key-2" };
    const begun = await service.begin(other);
    if (begun.kind !== "claimed") throw new Error("expected a claim");
    await service.release(begun.claim);
    await expect(service.begin(other)).resolves.toMatchObject({ kind: "claimed" });
  });

  it("purges expired records only", async () => {
    await complete(await claim());
    await service.begin({ ...request, key: "abandoned" });
    now = later(IN_FLIGHT_LEASE_SECONDS);
    expect(await service.purgeExpired()).toBe(1);
    expect(await repository.find("u1", "key-1")).not.toBeNull();
    now = later(IDEMPOTENCY_TTL_SECONDS);
    expect(await service.purgeExpired()).toBe(1);
    expect(repository.rows.size).toBe(0);
  });
});
