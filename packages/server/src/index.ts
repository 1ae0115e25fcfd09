/**
 * The Relais reference server as a library: start it in-process (tests, embedding) or run the
 * `relais-server` binary.
 *
 * @example
 * import { loadConfig, startServer } from "@relais/server";
 * const server = await startServer(loadConfig({ DATABASE_URL: "memory://", PORT: "0" }));
 * console.log(server.url);
 * await server.close();
 *
 * @packageDocumentation
 */
export { ConfigError, configSchema, loadConfig, type ServerConfig } from "./config.js";
export {
  DatabaseUnavailableError,
  type Database,
  type NotificationListener,
  type Queryable,
  type QueryResult,
  type Row,
} from "./db/database.js";
export { openDatabase, type DatabaseLocation } from "./db/open-database.js";
export { migrate, MigrationError, readMigrations, type MigrationFile, type MigrationReport } from "./db/migrate.js";
export { startServer, type RunningServer, type StartOptions } from "./server.js";
