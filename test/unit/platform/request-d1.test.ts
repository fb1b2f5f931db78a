import { afterEach, describe, expect, it, vi } from "vitest";
import { isWellFormedBookmark, RequestD1 } from "../../../src/db/request-d1";
import { RecordingTracer } from "../../helpers/tracing";

const GOOD = "00000002-0000000b-00004fe5-8d1f2e3a4b5c6d7e8f9a0b1c2d3e4f50";

/** A binding whose sessions answer every query with one row, and refuse `refused` bookmarks. */
function fakeBinding(refused: string[] = []) {
  const started: string[] = [];
  const binding = {
    withSession(start: string) {
      started.push(start);
      let bookmark: string | null = start.startsWith("first-") ? null : start;
      const answer = async () => {
        if (refused.includes(start))
          throw new Error("D1_ERROR: Invalid bookmark (unknown database)");
        bookmark = "00000003-0000000c-00004fe6-0000000000000000000000000000000a";
        return { results: [{ one: 1 }], success: true, meta: {} };
      };
      const statement = {
        bind: () => statement,
        all: answer,
        run: answer,
        first: async () => (await answer()).results[0],
        raw: async () => [[1]],
      };
      return {
        prepare: () => statement,
        batch: async (list: unknown[]) => Promise.all(list.map(() => answer())),
        getBookmark: () => bookmark,
      };
    },
  };
  return { binding: binding as unknown as D1Database, started };
}

describe("RequestD1", () => {
  it("opens its session on the first query only, and counts each call and batch as one trip", async () => {
    const { binding, started } = fakeBinding();
    const d1 = new RequestD1(binding, { constraint: "first-unconstrained" });
    expect(d1.bookmark()).toBeNull();
    expect(started).toEqual([]);
    await d1.prepare("select 1").bind().all();
    await d1.prepare("select 1").first();
    await d1.batch([d1.prepare("select 1"), d1.prepare("select 2")]);
    expect(started).toEqual(["first-unconstrained"]);
    expect(d1.stats.roundTrips).toBe(3);
    expect(d1.stats.durationMs).toBeGreaterThanOrEqual(0);
    expect(d1.bookmark()).toMatch(/^00000003-/);
  });

  it("starts from the client's bookmark", async () => {
    const { binding, started } = fakeBinding();
    const d1 = new RequestD1(binding, { constraint: "first-unconstrained", bookmark: GOOD });
    await d1.prepare("select 1").all();
    expect(started).toEqual([GOOD]);
  });

  it("drops a bookmark D1 refuses and answers from a fresh session (never a 500)", async () => {
    const { binding, started } = fakeBinding([GOOD]);
    const d1 = new RequestD1(binding, { constraint: "first-unconstrained", bookmark: GOOD });
    const result = await d1.prepare("select 1").all();
    expect(result.results).toEqual([{ one: 1 }]);
    expect(started).toEqual([GOOD, "first-unconstrained"]);
    expect(d1.stats.roundTrips).toBe(2);
    await d1.batch([d1.prepare("select 1")]);
    expect(started).toHaveLength(2);
  });

  it("does not retry other failures", async () => {
    const d1 = new RequestD1(
      {
        withSession: () => ({
          prepare: () => ({
            bind() {
              return this;
            },
            all: async () => {
              throw new Error("D1_ERROR: no such table: nope");
            },
          }),
          getBookmark: () => null,
        }),
      } as unknown as D1Database,
      { constraint: "first-primary" },
    );
    await expect(d1.prepare("select * from nope").all()).rejects.toThrow(/no such table/);
    expect(d1.stats.roundTrips).toBe(1);
  });

  describe("reads that ride along", () => {
    /** A binding that records each round trip's statements (by their SQL). */
    function recordingBinding() {
      const trips: string[][] = [];
      const statement = (sql: string) => ({
        sql,
        bind: () => statement(sql),
        all: async () => {
          trips.push([sql]);
          return { results: [{ sql }], success: true, meta: {} };
        },
        run: async () => {
          trips.push([sql]);
          return { results: [], success: true, meta: { changes: 1 } };
        },
      });
      const binding = {
        withSession: () => ({
          prepare: statement,
          batch: async (list: { sql: string }[]) => {
            trips.push(list.map((s) => s.sql));
            return list.map((s) => ({ results: [{ sql: s.sql }], success: true, meta: {} }));
          },
          getBookmark: () => null,
        }),
      };
      return { binding: binding as unknown as D1Database, trips };
    }

    it("joins the next read's round trip and is accepted before that read returns", async () => {
      const { binding, trips } = recordingBinding();
      const d1 = new RequestD1(binding, { constraint: "first-unconstrained" });
      const seen: string[] = [];
      d1.ride({ sql: "select principal", params: [], accept: () => seen.push("rider") });
      const result = await d1.prepare("select route").all();
      seen.push("route");
      expect(trips).toEqual([["select principal", "select route"]]);
      expect(result.results).toEqual([{ sql: "select route" }]);
      expect(seen).toEqual(["rider", "route"]);
      expect(d1.stats.roundTrips).toBe(1);
    });

    it("goes alone before a write, so a refused check stops the write", async () => {
      const { binding, trips } = recordingBinding();
      const d1 = new RequestD1(binding, { constraint: "first-primary" });
      d1.ride({
        sql: "select principal",
        params: [],
        accept: () => {
          throw new Error("refused");
        },
      });
      await expect(d1.prepare("delete from things").run()).rejects.toThrow("refused");
      expect(trips).toEqual([["select principal"]]);
    });

    it("refuses a read's rows when the check refuses", async () => {
      const { binding } = recordingBinding();
      const d1 = new RequestD1(binding, { constraint: "first-unconstrained" });
      d1.ride({
        sql: "select principal",
        params: [],
        accept: () => {
          throw new Error("inactive");
        },
      });
      await expect(d1.batch([d1.prepare("select a"), d1.prepare("select b")])).rejects.toThrow(
        "inactive",
      );
    });

    it("flush sends waiting riders in a trip of their own, and nothing when none wait", async () => {
      const { binding, trips } = recordingBinding();
      const d1 = new RequestD1(binding, { constraint: "first-unconstrained" });
      await d1.flush();
      expect(trips).toEqual([]);
      let accepted = 0;
      d1.ride({ sql: "select principal", params: [], accept: () => accepted++ });
      await d1.flush();
      await d1.prepare("select route").all();
      expect(trips).toEqual([["select principal"], ["select route"]]);
      expect(accepted).toBe(1);
    });
  });

  it.each([
    [GOOD, true],
    ["0000000a-00000001", true],
    ["first-unconstrained", false],
    ["", false],
    [undefined, false],
    ["abc def", false],
    [`${"a".repeat(300)}`, false],
  ])("isWellFormedBookmark(%j) = %s", (value, expected) => {
    expect(isWellFormedBookmark(value)).toBe(expected);
  });
});

describe("RequestD1 spans", () => {
  it("wraps each round trip in a d1.round_trip span numbered as Server-Timing counts it", async () => {
    const { binding } = fakeBinding();
    const tracer = new RecordingTracer();
    const d1 = new RequestD1(binding, { constraint: "first-primary" }, tracer);
    await d1.prepare("select 1").all();
    await d1.batch([d1.prepare("select 1"), d1.prepare("select 2")]);
    expect(tracer.spans.map((span) => [span.name, span.attributes])).toEqual([
      ["d1.round_trip", { "d1.round_trip": 1, "d1.start": "first-primary" }],
      ["d1.round_trip", { "d1.round_trip": 2, "d1.start": "first-primary" }],
    ]);
  });

  it("marks the span whose client bookmark D1 refused (the retry is inside it)", async () => {
    const { binding } = fakeBinding([GOOD]);
    const tracer = new RecordingTracer();
    const d1 = new RequestD1(
      binding,
      { constraint: "first-unconstrained", bookmark: GOOD },
      tracer,
    );
    await d1.prepare("select 1").all();
    expect(tracer.spans).toHaveLength(1);
    expect(tracer.spans[0]?.attributes["d1.bookmark_refused"]).toBe(true);
  });

  it("enters no span when the runtime does not record the request (entering one costs ~13 µs)", async () => {
    const { binding } = fakeBinding();
    const tracer = new RecordingTracer(false);
    const d1 = new RequestD1(binding, { constraint: "first-primary" }, tracer);
    const result = await d1.prepare("select 1").all();
    expect(result.results).toEqual([{ one: 1 }]);
    expect(tracer.spans).toEqual([]);
    expect(d1.stats.roundTrips).toBe(1);
  });

  describe("D1 time", () => {
    afterEach(() => {
      vi.restoreAllMocks();
    });

    /** A binding whose answers wait for `release()`, on a clock the test moves. */
    function gatedBinding() {
      let open: () => void = () => {};
      const gate = new Promise<void>((resolve) => {
        open = resolve;
      });
      const answer = async () => {
        await gate;
        return { results: [{ one: 1 }], success: true, meta: {} };
      };
      const statement = { bind: () => statement, all: answer, first: answer };
      const session = { prepare: () => statement, getBookmark: () => null };
      const binding = { withSession: () => session } as unknown as D1Database;
      return { binding, release: () => open() };
    }

    it("counts overlapping trips once, so it never exceeds the request's own time", async () => {
      let clock = 0;
      vi.spyOn(performance, "now").mockImplementation(() => clock);
      const { binding, release } = gatedBinding();
      const d1 = new RequestD1(binding, { constraint: "first-unconstrained" });
      const first = d1.prepare("select 1").all();
      await Promise.resolve();
      clock = 10;
      const second = d1.prepare("select 2").all();
      await Promise.resolve();
      clock = 30;
      release();
      await Promise.all([first, second]);
      expect(d1.stats.roundTrips).toBe(2);
      // In flight from 0 to 30: 30 ms, not 30 + 20 summed per trip.
      expect(d1.stats.durationMs).toBe(30);
    });

    it("adds up trips that run one after another", async () => {
      let clock = 0;
      vi.spyOn(performance, "now").mockImplementation(() => clock);
      const { binding, release } = gatedBinding();
      const d1 = new RequestD1(binding, { constraint: "first-unconstrained" });
      release();
      const trip = async (from: number, to: number) => {
        clock = from;
        const pending = d1.prepare("select 1").all();
        clock = to;
        await pending;
      };
      await trip(0, 5);
      await trip(20, 27);
      expect(d1.stats.durationMs).toBe(12);
    });
  });
});
