import { randomBytes } from "node:crypto";
import pg from "pg";
import { type Database, quoteIdentifier } from "../db/database.js";
import { openPglite } from "../db/pglite.js";
import { openPostgres } from "../db/postgres.js";

/** An isolated, empty database for one test file. */
export interface TestDatabase {
  db: Database;
  /** The URL a child process can use to reach the same database (`memory://` has none to share). */
  url: string | undefined;
  /** Closes the connections and removes the database. */
  dispose(): Promise<void>;
}

/**
 * A fresh database per test file, so files run in parallel: a new PostgreSQL database on the
 * server named by `DATABASE_URL` when it is set, in-memory PGlite otherwise.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl || adminUrl === "memory://") {
    const db = await openPglite();
    return { db, url: undefined, dispose: () => db.close() };
  }
  const name = `relais_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${quoteIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await openPostgres(url.toString(), { maxConnections: 5 });
  return {
    db,
    url: url.toString(),
    async dispose() {
      await db.close();
      const cleanup = new pg.Client({ connectionString: adminUrl });
      await cleanup.connect();
      try {
        await cleanup.query(`drop database if exists ${quoteIdentifier(name)} with (force)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}
