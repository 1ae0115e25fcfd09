import { mkdir } from "node:fs/promises";
import path from "node:path";
import { PGlite, types } from "@electric-sql/pglite";
import { type Database, DatabaseUnavailableError, type Queryable, type QueryResult, type Row } from "./database.js";
import { acquireDataDirLock } from "./data-dir-lock.js";

/** Options for {@link openPglite}. */
export interface PgliteOptions {
  /** Directory holding the database; `undefined` keeps it in memory. */
  dataDir?: string;
}

interface PgliteRunner {
  query<R>(sql: string, params?: unknown[]): Promise<{ rows: R[]; affectedRows?: number }>;
  exec(sql: string): Promise<unknown>;
}

function wrap(runner: PgliteRunner): Queryable {
  return {
    async query<R extends Row = Row>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>> {
      const result = await runner.query<R>(sql, params ? [...params] : undefined);
      const changed = result.affectedRows ?? 0;
      return { rows: result.rows, rowCount: result.rows.length > 0 ? result.rows.length : changed };
    },
    async exec(sql: string): Promise<void> {
      await runner.exec(sql);
    },
  };
}

/**
 * Opens embedded PostgreSQL (PGlite). On disk, the directory is locked for this process first,
 * so a second server on the same directory fails clearly instead of corrupting it.
 *
 * @throws {DatabaseUnavailableError} when the directory is in use or cannot be opened.
 */
export async function openPglite(options: PgliteOptions = {}): Promise<Database> {
  let releaseLock: (() => Promise<void>) | undefined;
  let dataPath: string | undefined;
  if (options.dataDir !== undefined) {
    await mkdir(options.dataDir, { recursive: true });
    releaseLock = await acquireDataDirLock(options.dataDir);
    dataPath = path.join(options.dataDir, "pgdata");
  }
  let engine: PGlite;
  try {
    // int8 as JS numbers, as in the pg adapter.
    engine = await PGlite.create(dataPath, { parsers: { [types.INT8]: (value: string) => Number(value) } });
  } catch (error) {
    await releaseLock?.();
    const reason = error instanceof Error ? error.message : String(error);
    throw new DatabaseUnavailableError(`cannot open the embedded database in ${options.dataDir}: ${reason}`);
  }
  const outer = wrap(engine);
  // PGlite is one session in this one process (the directory lock guarantees that), so an
  // in-process queue gives advisory-lock semantics.
  let lockQueue: Promise<unknown> = Promise.resolve();

  return {
    dialect: "pglite",
    query: outer.query,
    exec: outer.exec,
    transaction: (work) => engine.transaction((tx) => work(wrap(tx))),
    withAdvisoryLock(_key, work) {
      const run = lockQueue.then(work, work);
      lockQueue = run.catch(() => {});
      return run;
    },
    async listen(channel, onNotification) {
      const unsubscribe = await engine.listen(channel, onNotification);
      return () => unsubscribe();
    },
    async close() {
      await engine.close();
      await releaseLock?.();
    },
  };
}
