import { describe, expect, it } from "vitest";
import { isWellFormedBookmark, RequestD1 } from "../../../src/db/request-d1";

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
