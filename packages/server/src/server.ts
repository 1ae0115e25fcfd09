import { once } from "node:events";
import type { AddressInfo } from "node:net";
import { createServer as createHttpServer, type Server } from "node:http";
import type { ServerConfig } from "./config.js";
import type { Database } from "./db/database.js";
import { migrate, migrationsApplied, readMigrations } from "./db/migrate.js";
import { defaultMigrationsDir } from "./db/migrations-dir.js";
import { openDatabase } from "./db/open-database.js";
import { createApp } from "./http/app.js";
import { createLogger, type Logger } from "./logger.js";

/** A running Relais server. */
export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:4000`. */
  url: string;
  db: Database;
  logger: Logger;
  /** Stops accepting, lets in-flight requests finish (up to the shutdown timeout), closes the database. */
  close(): Promise<void>;
}

/** Options for tests and embedders; production passes only the config. */
export interface StartOptions {
  /** Use this database instead of opening the one the config names (it is not closed on `close`). */
  db?: Database;
  logger?: Logger;
  migrationsDir?: string;
}

function closeHttpServer(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.closeAllConnections(), timeoutMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/**
 * Opens the database, applies migrations, and serves HTTP on the configured host and port.
 *
 * @example
 * const server = await startServer(loadConfig(process.env));
 * console.log(server.url);
 */
export async function startServer(config: ServerConfig, options: StartOptions = {}): Promise<RunningServer> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const migrations = await readMigrations(options.migrationsDir ?? defaultMigrationsDir());
  const db = options.db ?? (await openDatabase(config));
  const ownsDb = options.db === undefined;
  try {
    const report = await migrate(db, migrations);
    if (report.applied.length > 0) logger.info({ applied: report.applied }, "database migrations applied");

    const app = createApp({
      logger,
      checkReadiness: async () =>
        (await migrationsApplied(db, migrations)) ? { ready: true } : { ready: false, reason: "migrations pending" },
    });
    const server = createHttpServer(app);
    server.listen(config.port, config.host);
    await once(server, "listening");
    const { port } = server.address() as AddressInfo;
    const host = config.host.includes(":") ? `[${config.host}]` : config.host;
    const url = `http://${host}:${port}`;
    logger.info({ url, database: db.dialect, role: config.role }, "relais server listening");

    let closing: Promise<void> | undefined;
    return {
      url,
      db,
      logger,
      close() {
        closing ??= (async () => {
          await closeHttpServer(server, config.shutdownTimeoutMs);
          if (ownsDb) await db.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    if (ownsDb) await db.close().catch(() => {});
    throw error;
  }
}
