import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate, readMigrations } from "../db/migrate.js";
import { defaultMigrationsDir } from "../db/migrations-dir.js";
import { createTestDatabase, type TestDatabase } from "../testing/test-database.js";
import { SharedRateCounter } from "./rate-counter.js";

describe("SharedRateCounter", () => {
  const logger = pino({ level: "silent" });
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase();
    await migrate(test.db, await readMigrations(defaultMigrationsDir()));
  });
  afterAll(() => test.dispose());

  const stored = async (bucket: string) =>
    (await test.db.query<{ hits: number }>("select sum(hits)::int as hits from rate_limit_counters where bucket = $1", [bucket])).rows[0]?.hits ?? 0;

  it("counts exactly across processes once a counter is near its limit", async () => {
    // Two counters on one database stand for two processes.
    const a = new SharedRateCounter(test.db, logger, 60_000);
    const b = new SharedRateCounter(test.db, logger, 60_000);
    const rule = [{ bucket: "near", limit: 4, periodSeconds: 60 }];
    const hits = [];
    for (const counter of [a, b, a, b, a]) hits.push((await counter.count(rule))[0]?.hits);
    expect(hits).toEqual([1, 2, 3, 4, 5]);
    expect(await stored("near")).toBe(5);
    await a.close();
    await b.close();
  });

  it("batches writes far below the limit and flushes them", async () => {
    const counter = new SharedRateCounter(test.db, logger, 60_000);
    const rule = [{ bucket: "far", limit: 1_000, periodSeconds: 60 }];
    for (let index = 0; index < 10; index += 1) await counter.count(rule);
    // The first hit of the window is written at once; the next nine wait for the batch.
    expect(await stored("far")).toBe(1);
    expect((await counter.count(rule))[0]?.hits).toBe(11);
    await counter.flush();
    expect(await stored("far")).toBe(11);
    await counter.close();
  });

  it("learns other processes' hits at the next write", async () => {
    const counter = new SharedRateCounter(test.db, logger, 60_000);
    const rule = [{ bucket: "shared", limit: 1_000, periodSeconds: 60 }];
    await counter.count(rule);
    await test.db.query("update rate_limit_counters set hits = hits + 700 where bucket = 'shared'");
    await counter.count(rule);
    await counter.flush();
    // Above half the limit now, so this count writes and reads the shared total.
    expect((await counter.count(rule))[0]?.hits).toBe(703);
    await counter.close();
  });

  it("starts a new window when the period rolls over, and reports the reset", async () => {
    const counter = new SharedRateCounter(test.db, logger, 60_000);
    const rule = [{ bucket: "rollover", limit: 10, periodSeconds: 60 }];
    const start = Math.ceil(Date.now() / 60_000) * 60_000 + 60_000;
    expect((await counter.count(rule, start + 50_000))[0]).toEqual({ bucket: "rollover", hits: 1, resetSeconds: 10 });
    expect((await counter.count(rule, start + 60_000))[0]).toEqual({ bucket: "rollover", hits: 1, resetSeconds: 60 });
    await counter.close();
  });
});
