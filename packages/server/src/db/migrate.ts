import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { Database } from "./database.js";

/** One numbered SQL file, e.g. `0003_webhook_endpoints.sql`. */
export interface MigrationFile {
  version: number;
  name: string;
  sql: string;
  checksum: string;
}

/** A migration cannot be applied safely; the message says which file and why. */
export class MigrationError extends Error {
  override readonly name = "MigrationError";
}

// Any constant works as long as every Relais process uses the same one.
const MIGRATION_LOCK_KEY = 7_261_530_114;
const FILE_PATTERN = /^(\d{4})_([a-z0-9_]+)\.sql$/;

/** Reads and checks the migration files in `directory`, ordered by version. */
export async function readMigrations(directory: string): Promise<MigrationFile[]> {
  const files = (await readdir(directory)).filter((file) => file.endsWith(".sql")).sort();
  const migrations: MigrationFile[] = [];
  for (const file of files) {
    const match = FILE_PATTERN.exec(file);
    if (!match) throw new MigrationError(`migration file name ${file} must look like 0001_name.sql`);
    const sql = await readFile(path.join(directory, file), "utf8");
    const version = Number(match[1]);
    if (migrations.some((migration) => migration.version === version)) {
      throw new MigrationError(`two migration files have version ${match[1]}`);
    }
    migrations.push({ version, name: match[2] ?? file, sql, checksum: createHash("sha256").update(sql).digest("hex") });
  }
  return migrations;
}

/** What {@link migrate} did. */
export interface MigrationReport {
  applied: number[];
  alreadyApplied: number[];
}

/**
 * Applies the migrations that are not yet in `schema_migrations`, each in its own transaction,
 * under an advisory lock so concurrent starts apply each file once. Refuses to run when an
 * applied file has changed or the database has a migration this build does not know.
 */
export async function migrate(db: Database, migrations: readonly MigrationFile[]): Promise<MigrationReport> {
  return db.withAdvisoryLock(MIGRATION_LOCK_KEY, async () => {
    await db.exec(`
      create table if not exists schema_migrations (
        version integer primary key,
        name text not null,
        checksum text not null,
        applied_at timestamptz not null default now()
      )`);
    const { rows } = await db.query<{ version: number; name: string; checksum: string }>(
      "select version, name, checksum from schema_migrations order by version",
    );
    const known = new Map(migrations.map((migration) => [migration.version, migration]));
    for (const row of rows) {
      const file = known.get(row.version);
      if (!file) {
        throw new MigrationError(
          `the database has migration ${row.version} (${row.name}), which this build does not have; run a newer build`,
        );
      }
      if (file.checksum !== row.checksum) {
        throw new MigrationError(
          `migration ${String(row.version).padStart(4, "0")}_${file.name}.sql changed after it was applied; add a new migration instead of editing it`,
        );
      }
    }
    const done = new Set(rows.map((row) => row.version));
    const report: MigrationReport = { applied: [], alreadyApplied: [...done] };
    for (const migration of migrations) {
      if (done.has(migration.version)) continue;
      await db.transaction(async (tx) => {
        await tx.exec(migration.sql);
        await tx.query("insert into schema_migrations (version, name, checksum) values ($1, $2, $3)", [
          migration.version,
          migration.name,
          migration.checksum,
        ]);
      });
      report.applied.push(migration.version);
    }
    return report;
  });
}

/** True when every migration in `migrations` is recorded as applied. */
export async function migrationsApplied(db: Database, migrations: readonly MigrationFile[]): Promise<boolean> {
  const { rows } = await db.query<{ version: number }>("select version from schema_migrations");
  const applied = new Set(rows.map((row) => row.version));
  return migrations.every((migration) => applied.has(migration.version));
}
