import { and, eq, getTableColumns, gte, inArray } from "drizzle-orm";
import { drizzle } from "drizzle-orm/d1";
import { integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import {
  batchRows,
  CompiledShapes,
  columnRows,
  compile,
  compileInsert,
  listPlaceholders,
  listValues,
  type Preparer,
  tableRows,
} from "../../../src/db/compiled";
import { outbox } from "../../../src/domains/mail/mail.table";
import { products } from "../../../src/domains/products/products.table";
import { principalColumns, users } from "../../../src/domains/users/users.table";

/** A D1 that records what is prepared and bound, and runs nothing. */
function recordingD1() {
  const prepared: { sql: string; params: unknown[] }[] = [];
  const d1 = {
    prepare(sql: string) {
      const entry = { sql, params: [] as unknown[] };
      prepared.push(entry);
      const statement = {
        bind(...params: unknown[]) {
          entry.params = params;
          return statement;
        },
      };
      return statement;
    },
  };
  return { d1: d1 as unknown as Preparer, prepared };
}

describe("compile", () => {
  it("builds the SQL on first use only, then binds each request's values in parameter order", () => {
    let builds = 0;
    const query = compile<{ min: number; sku: string }>((db, p) => {
      builds += 1;
      return db
        .select()
        .from(products)
        .where(and(eq(products.sku, p.sku), gte(products.priceCents, p.min)))
        .limit(1);
    });
    expect(builds).toBe(0);
    const { d1, prepared } = recordingD1();
    query.bind(d1, { sku: "A-1", min: 100 });
    query.bind(d1, { sku: "B-2", min: 5 });
    expect(builds).toBe(1);
    expect(prepared.map((p) => p.params)).toEqual([
      ["A-1", 100, 1],
      ["B-2", 5, 1],
    ]);
    expect(prepared[0]?.sql).toBe(prepared[1]?.sql);
    expect(prepared[0]?.sql).toMatch(/^select .* from "products" where .* limit \?$/);
  });

  it("writes the same SQL as Drizzle building the query with the values in place", () => {
    const query = compile<{ id: string }>((db, p) =>
      db.select().from(products).where(eq(products.id, p.id)),
    );
    const direct = drizzle({} as D1Database)
      .select()
      .from(products)
      .where(eq(products.id, "p-1"))
      .toSQL();
    expect(query.with({ id: "p-1" })).toEqual(direct);
  });

  it("refuses to bind without a value for each placeholder", () => {
    const query = compile<{ id: string }>((db, p) =>
      db.select().from(products).where(eq(products.id, p.id)),
    );
    const { d1 } = recordingD1();
    expect(() => query.bind(d1, {} as { id: string })).toThrow(/placeholder "id"/);
  });

  it("runs nothing through the compiling Drizzle", async () => {
    const query = compile((db) => {
      void db.select().from(products).all();
      return db.select().from(products);
    });
    expect(() => query.query).toThrow(/no database/);
  });
});

describe("listPlaceholders and listValues", () => {
  it("an IN list of one placeholder per value, bound in the values' order", () => {
    const ids = ["c", "a", "b"];
    const query = compile<Record<string, string>>((db, p) =>
      db
        .select()
        .from(products)
        .where(inArray(products.id, listPlaceholders(p, "id", ids.length))),
    );
    const { d1, prepared } = recordingD1();
    query.bind(d1, listValues("id", ids));
    expect(prepared[0]?.sql).toMatch(/"id" in \(\?, \?, \?\)$/);
    expect(prepared[0]?.params).toEqual(["c", "a", "b"]);
  });
});

describe("CompiledShapes", () => {
  const byShape = () => {
    let builds = 0;
    const shapes = new CompiledShapes<{ withSku: boolean }, { sku?: string }>(
      (shape) => (shape.withSku ? "sku" : "all"),
      (shape, db, p) => {
        builds += 1;
        const query = db.select().from(products);
        return shape.withSku ? query.where(eq(products.sku, p.sku)) : query;
      },
    );
    return { shapes, builds: () => builds };
  };

  it("compiles each shape once, and keeps one query per shape", () => {
    const { shapes, builds } = byShape();
    const { d1, prepared } = recordingD1();
    shapes.get({ withSku: true }).bind(d1, { sku: "A" });
    shapes.get({ withSku: true }).bind(d1, { sku: "B" });
    shapes.get({ withSku: false }).bind(d1, {});
    expect(builds()).toBe(2);
    expect(shapes.size).toBe(2);
    expect(prepared.map((p) => p.params)).toEqual([["A"], ["B"], []]);
    expect(prepared[2]?.sql).not.toBe(prepared[0]?.sql);
  });

  it("stops keeping shapes past its bound (a key naming a value would grow without end)", () => {
    const shapes = new CompiledShapes<number, Record<string, never>>(String, (_, db) =>
      db.select().from(products),
    );
    for (let i = 0; i < CompiledShapes.MAX_SHAPES + 10; i++) shapes.get(i);
    expect(shapes.size).toBe(CompiledShapes.MAX_SHAPES);
    expect(shapes.get(CompiledShapes.MAX_SHAPES + 1).query.sql).toMatch(/from "products"/);
  });
});

describe("tableRows", () => {
  it("reads a raw row in the table's column order, through each column's decoder", () => {
    const row = tableRows(users)([
      "u-1",
      "a@example.com",
      "A",
      "hash",
      "admin",
      "premium",
      1,
      "2026-01-01T00:00:00.000Z",
      "2026-01-02T00:00:00.000Z",
    ]);
    expect(row).toEqual({
      id: "u-1",
      email: "a@example.com",
      name: "A",
      passwordHash: "hash",
      role: "admin",
      tier: "premium",
      isActive: true,
      createdAt: "2026-01-01T00:00:00.000Z",
      updatedAt: "2026-01-02T00:00:00.000Z",
    });
  });

  it("keeps null as null", () => {
    const row = tableRows(products)(["p-1", "S", "N", "", 100, "USD", 3, 1, null, "c", "u"]);
    expect(row.archivedAt).toBeNull();
    expect(row.priceCents).toBe(100);
  });
});

describe("compileInsert", () => {
  it("binds the given columns and writes the others' declared defaults, as Drizzle does", () => {
    const record = {
      id: "m-1",
      template: "t",
      recipient: "a@b.c",
      payload: "{}",
      createdAt: "now",
    };
    const insert = compileInsert(outbox, ["id", "template", "recipient", "payload", "createdAt"]);
    const direct = drizzle({} as D1Database)
      .insert(outbox)
      .values(record)
      .toSQL();
    expect(insert.with(record)).toEqual(direct);
  });

  it("binds every column when none are named", () => {
    const query = compileInsert(users).query;
    expect(query.sql).toMatch(/^insert into "users" \("id", .*"updated_at"\) values \(\?, /);
    expect(query.params).toHaveLength(Object.keys(getTableColumns(users)).length);
  });

  it("refuses to leave out a column whose default is computed in JS (it would be computed once)", () => {
    const stamped = sqliteTable("stamped", {
      id: text("id").primaryKey(),
      at: integer("at").$defaultFn(() => Date.now()),
    });
    expect(() => compileInsert(stamped, ["id"]).query).toThrow(/at has a computed default/);
    expect(compileInsert(stamped, ["id", "at"]).with({ id: "x", at: 1 }).params).toEqual(["x", 1]);
  });
});

describe("columnRows and batchRows", () => {
  it("read a selection's rows, from a raw row or a batch result's objects", () => {
    const principal = columnRows(principalColumns);
    const expected = {
      id: "u-1",
      email: "a@b.c",
      role: "customer",
      tier: "standard",
      isActive: false,
    };
    expect(principal(["u-1", "a@b.c", "customer", "standard", 0])).toEqual(expected);
    const result = {
      results: [{ id: "u-1", email: "a@b.c", role: "customer", tier: "standard", is_active: 0 }],
    };
    expect(batchRows(result).map(principal)).toEqual([expected]);
    expect(batchRows({ results: [] })).toEqual([]);
  });
});
