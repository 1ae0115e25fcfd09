import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../testing/test-database.js";
import { migrate, MigrationError, readMigrations } from "./migrate.js";
import { defaultMigrationsDir } from "./migrations-dir.js";

describe("migrations", () => {
  let test: TestDatabase;
  let dir: string;
  beforeEach(async () => {
    test = await createTestDatabase();
    dir = await mkdtemp(path.join(tmpdir(), "relais-migrations-"));
  });
  afterEach(async () => {
    await test.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it("applies numbered files in order, once", async () => {
    await writeFile(path.join(dir, "0002_add_column.sql"), "alter table widgets add column color text;");
    await writeFile(path.join(dir, "0001_widgets.sql"), "create table widgets (id int primary key);");
    const files = await readMigrations(dir);
    expect(files.map((file) => file.version)).toEqual([1, 2]);

    expect(await migrate(test.db, files)).toEqual({ applied: [1, 2], alreadyApplied: [] });
    expect(await migrate(test.db, files)).toEqual({ applied: [], alreadyApplied: [1, 2] });
    await test.db.query("insert into widgets (id, color) values (1, 'red')");
  });

  it("rolls back a failing migration completely and records nothing for it", async () => {
    await writeFile(path.join(dir, "0001_ok.sql"), "create table ok (id int);");
    await writeFile(path.join(dir, "0002_broken.sql"), "create table half (id int); select * from missing_table;");
    await expect(migrate(test.db, await readMigrations(dir))).rejects.toThrow(/missing_table/);
    const { rows } = await test.db.query<{ version: number }>("select version from schema_migrations");
    expect(rows.map((row) => row.version)).toEqual([1]);
    const half = await test.db.query("select 1 from information_schema.tables where table_name = 'half'");
    expect(half.rows).toHaveLength(0);
  });

  it("refuses an applied file whose content changed", async () => {
    const file = path.join(dir, "0001_widgets.sql");
    await writeFile(file, "create table widgets (id int);");
    await migrate(test.db, await readMigrations(dir));
    await writeFile(file, "create table widgets (id bigint);");
    const attempt = migrate(test.db, await readMigrations(dir));
    await expect(attempt).rejects.toBeInstanceOf(MigrationError);
    await expect(migrate(test.db, await readMigrations(dir))).rejects.toThrow(/0001_widgets\.sql changed after it was applied/);
  });

  it("refuses a database that is ahead of this build", async () => {
    await writeFile(path.join(dir, "0001_a.sql"), "select 1;");
    await writeFile(path.join(dir, "0002_b.sql"), "select 1;");
    await migrate(test.db, await readMigrations(dir));
    await rm(path.join(dir, "0002_b.sql"));
    await expect(migrate(test.db, await readMigrations(dir))).rejects.toThrow(/has migration 2 \(b\)/);
  });

  it("applies each file once when several processes migrate at the same time", async () => {
    await writeFile(path.join(dir, "0001_counter.sql"), "create table counter (n int); insert into counter values (1);");
    const files = await readMigrations(dir);
    const reports = await Promise.all([migrate(test.db, files), migrate(test.db, files), migrate(test.db, files)]);
    expect(reports.flatMap((report) => report.applied)).toEqual([1]);
    const { rows } = await test.db.query<{ n: number }>("select count(*)::int as n from counter");
    expect(rows[0]?.n).toBe(1);
  });

  it.each([
    ["1_short.sql", /must look like 0001_name\.sql/],
    ["0001_Bad-Name.sql", /must look like 0001_name\.sql/],
  ])("rejects the file name %s", async (name, message) => {
    await writeFile(path.join(dir, name), "select 1;");
    await expect(readMigrations(dir)).rejects.toThrow(message);
  });

  it("rejects two files with one version", async () => {
    await writeFile(path.join(dir, "0001_a.sql"), "select 1;");
    await writeFile(path.join(dir, "0001_b.sql"), "select 1;");
    await expect(readMigrations(dir)).rejects.toThrow(/two migration files have version 0001/);
  });

  it("applies the server's own migrations cleanly", async () => {
    const files = await readMigrations(defaultMigrationsDir());
    const report = await migrate(test.db, files);
    expect(report.applied).toEqual(files.map((file) => file.version));
  });
});
