import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { deriveServerKeys } from "../crypto/keys.js";
import { migrate, readMigrations } from "../db/migrate.js";
import { defaultMigrationsDir } from "../db/migrations-dir.js";
import { createTestDatabase, type TestDatabase } from "../testing/test-database.js";
import { bootstrapAccount } from "./bootstrap.js";

describe("bootstrapAccount", () => {
  const hashingKey = deriveServerKeys(Buffer.alloc(32, 9)).apiKeyHashing;
  let test: TestDatabase;
  beforeEach(async () => {
    test = await createTestDatabase();
    await migrate(test.db, await readMigrations(defaultMigrationsDir()));
  });
  afterEach(() => test.dispose());

  it("creates one owner account, user and admin key even when starts race", async () => {
    const results = await Promise.all([1, 2, 3].map(() => bootstrapAccount(test.db, hashingKey, undefined)));
    const created = results.filter((result) => result !== undefined);
    expect(created).toHaveLength(1);
    expect(created[0]?.generatedKey).toMatch(/^rk_test_/);
    const { rows } = await test.db.query<{ accounts: number; owners: number; keys: number }>(
      `select (select count(*) from accounts)::int as accounts,
              (select count(*) from users where role = 'owner')::int as owners,
              (select count(*) from api_keys where '*' = any(scopes))::int as keys`,
    );
    expect(rows[0]).toEqual({ accounts: 1, owners: 1, keys: 1 });
  });

  it("refuses a second bootstrap account even without the lock", async () => {
    await bootstrapAccount(test.db, hashingKey, undefined);
    await expect(test.db.query("insert into accounts (id, name, bootstrap) values ('acct_x', 'again', true)")).rejects.toThrow(
      /accounts_one_bootstrap/,
    );
  });

  it("uses a configured key, live or test, and does not hand it back", async () => {
    const configured = `rk_live_${"Q".repeat(40)}`;
    const result = await bootstrapAccount(test.db, hashingKey, configured);
    expect(result?.generatedKey).toBeUndefined();
    const { rows } = await test.db.query<{ livemode: boolean; prefix: string }>("select livemode, prefix from api_keys");
    expect(rows).toEqual([{ livemode: true, prefix: configured.slice(0, 12) }]);
  });
});
