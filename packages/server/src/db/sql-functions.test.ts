import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isId } from "../ids.js";
import { createTestDatabase, type TestDatabase } from "../testing/test-database.js";
import { matchesEventType } from "../webhooks/delivery/event-type-filter.js";
import { migrate, readMigrations } from "./migrate.js";
import { defaultMigrationsDir } from "./migrations-dir.js";

// SQL twins of TypeScript rules, used where one statement does the work (interop ingest).
describe("SQL functions of the migrations", () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase();
    await migrate(test.db, await readMigrations(defaultMigrationsDir()));
  });
  afterAll(() => test.dispose());

  const cases: Array<[string[], string]> = [
    [["*"], "payment.succeeded"],
    [["payment.succeeded"], "payment.succeeded"],
    [["payment.succeeded"], "payment.failed"],
    [["payment.*"], "payment.succeeded"],
    [["payment.*"], "payment.refund.issued"],
    [["payment.*"], "payment"],
    [["payment.*"], "payments.succeeded"],
    [["payment.*"], "order.created"],
    [["order.created", "refund.*"], "refund.issued"],
    [["order.created", "refund.*"], "order.updated"],
    [[], "order.created"],
    [["a.*"], "a."],
    [["a.b.*"], "a.b.c"],
  ];

  it.each(cases)("relais_event_type_matches(%j, %s) agrees with matchesEventType", async (filters, type) => {
    const { rows } = await test.db.query<{ matches: boolean }>("select relais_event_type_matches($1::text[], $2) as matches", [filters, type]);
    expect(rows[0]?.matches).toBe(matchesEventType(filters, type));
  });

  it("relais_new_id makes ids of the server's shape, distinct, sorted by time", async () => {
    const { rows: first } = await test.db.query<{ id: string }>("select relais_new_id('msg') as id from generate_series(1, 200)");
    await new Promise((resolve) => setTimeout(resolve, 5));
    const { rows: later } = await test.db.query<{ id: string }>("select relais_new_id('msg') as id");
    const ids = first.map((row) => row.id);
    expect(ids.every((id) => isId("msg", id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => id.slice(4, 14) <= (later[0]?.id ?? "").slice(4, 14))).toBe(true);
    expect((later[0]?.id ?? "") > (ids.sort().at(-1) ?? "")).toBe(true);
    // The time part is this millisecond's, as newId writes it.
    const decoded = [...(later[0]?.id ?? "").slice(4, 14)].reduce((value, char) => value * 32 + "0123456789abcdefghjkmnpqrstvwxyz".indexOf(char), 0);
    expect(Math.abs(decoded - Date.now())).toBeLessThan(5_000);
  });
});
