import type { Database } from "./database.js";
import { openPglite } from "./pglite.js";
import { openPostgres } from "./postgres.js";

/** Where the data lives: a PostgreSQL URL, `memory://`, or unset for PGlite on disk. */
export interface DatabaseLocation {
  databaseUrl: string | undefined;
  dataDir: string;
}

/**
 * Opens the database the configuration names: `pg` when `databaseUrl` is a postgres URL,
 * in-memory PGlite for `memory://`, and PGlite persisted under `dataDir` otherwise.
 */
export function openDatabase(location: DatabaseLocation): Promise<Database> {
  if (location.databaseUrl === "memory://") return openPglite();
  if (location.databaseUrl) return openPostgres(location.databaseUrl);
  return openPglite({ dataDir: location.dataDir });
}
