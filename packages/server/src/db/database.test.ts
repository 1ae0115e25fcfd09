import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../testing/test-database.js";

// Runs on real PostgreSQL when DATABASE_URL is set, on PGlite otherwise: same assertions for both.
describe("Database adapter", () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase();
    await test.db.exec("create table notes (id serial primary key, body text not null, size bigint)");
  });
  afterAll(() => test.dispose());

  it("runs parameterised queries and parses int8 as numbers", async () => {
    const inserted = await test.db.query<{ id: number }>(
      "insert into notes (body, size) values ($1, $2), ($3, $4) returning id",
      ["a", 10, "b", 20],
    );
    expect(inserted.rowCount).toBe(2);
    const { rows } = await test.db.query<{ total: number; n: number }>("select sum(size)::int8 as total, count(*) as n from notes");
    expect(rows[0]).toEqual({ total: 30, n: 2 });
  });

  it("commits a transaction that resolves", async () => {
    await test.db.transaction(async (tx) => {
      await tx.query("insert into notes (body) values ($1)", ["committed"]);
    });
    const { rows } = await test.db.query("select 1 from notes where body = $1", ["committed"]);
    expect(rows).toHaveLength(1);
  });

  it("rolls back every statement of a transaction that throws", async () => {
    await expect(
      test.db.transaction(async (tx) => {
        await tx.query("insert into notes (body) values ($1)", ["half-written"]);
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    const { rows } = await test.db.query("select 1 from notes where body = $1", ["half-written"]);
    expect(rows).toHaveLength(0);
  });

  it("rolls back when a statement fails inside the transaction", async () => {
    await expect(
      test.db.transaction(async (tx) => {
        await tx.query("insert into notes (body) values ($1)", ["before-error"]);
        await tx.query("insert into notes (body) values (null)");
      }),
    ).rejects.toThrow();
    const { rows } = await test.db.query("select 1 from notes where body = $1", ["before-error"]);
    expect(rows).toHaveLength(0);
  });

  it("serialises work under the same advisory lock", async () => {
    const order: string[] = [];
    const slow = test.db.withAdvisoryLock(42, async () => {
      order.push("first:start");
      await new Promise((resolve) => setTimeout(resolve, 50));
      order.push("first:end");
    });
    const fast = test.db.withAdvisoryLock(42, async () => {
      order.push("second");
    });
    await Promise.all([slow, fast]);
    expect(order).toEqual(["first:start", "first:end", "second"]);
  });

  it("releases the advisory lock when the work throws", async () => {
    await expect(test.db.withAdvisoryLock(43, async () => Promise.reject(new Error("fail")))).rejects.toThrow("fail");
    await expect(test.db.withAdvisoryLock(43, async () => "next")).resolves.toBe("next");
  });

  it("delivers NOTIFY payloads to listeners until they unsubscribe", async () => {
    const received: string[] = [];
    const unlisten = await test.db.listen("relais_test_channel", (payload) => received.push(payload));
    await test.db.query("select pg_notify($1, $2)", ["relais_test_channel", "hello"]);
    await expect.poll(() => received).toEqual(["hello"]);
    await unlisten();
    await test.db.query("select pg_notify($1, $2)", ["relais_test_channel", "after"]);
    await test.db.query("select 1");
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received).toEqual(["hello"]);
  });
});
