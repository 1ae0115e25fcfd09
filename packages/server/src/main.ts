#!/usr/bin/env node
import { ConfigError, loadConfig } from "./config.js";
import { DatabaseUnavailableError } from "./db/database.js";
import { MigrationError } from "./db/migrate.js";
import { startServer } from "./server.js";

// The only place that reads process.env: everything below receives a parsed config.
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const server = await startServer(config);
  const where = config.databaseUrl
    ? config.databaseUrl === "memory://"
      ? "embedded PostgreSQL (PGlite) in memory"
      : "PostgreSQL"
    : `embedded PostgreSQL (PGlite) in ${config.dataDir}`;
  process.stdout.write(`\nRelais server listening on ${server.url} (database: ${where})\n`);
  // Printed once: only a hash is stored, so this is the only time anyone can see it.
  if (server.adminKey) process.stdout.write(`Admin API key (shown once): ${server.adminKey}\n`);
  process.stdout.write("\n");

  const shutdown = (signal: string) => {
    server.logger.info({ signal }, "shutting down");
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        server.logger.error({ err: error }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => shutdown("SIGTERM"));
  process.once("SIGINT", () => shutdown("SIGINT"));
}

main().catch((error: unknown) => {
  // Expected start failures get one line naming the cause; anything else keeps its stack.
  const expected =
    error instanceof ConfigError || error instanceof DatabaseUnavailableError || error instanceof MigrationError;
  const message = expected ? (error as Error).message : error instanceof Error ? (error.stack ?? error.message) : String(error);
  process.stderr.write(`relais-server: ${message}\n`);
  process.exit(1);
});
