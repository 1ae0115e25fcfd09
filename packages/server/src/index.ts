/**
 * The Relais reference server as a library: start it in-process (tests, embedding) or run the
 * `relais-server` binary. Test helpers live in `@relais/server/testing`.
 *
 * @example
 * import { loadConfig, startServer } from "@relais/server";
 * const server = await startServer(loadConfig({ DATABASE_URL: "memory://", PORT: "0" }));
 * console.log(server.url, server.adminKey);
 * await server.close();
 *
 * @packageDocumentation
 */
export { ConfigError, configSchema, loadConfig, type JwtConfig, type ServerConfig } from "./config.js";
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
export { idPrefixes, isId, newId, type IdPrefix } from "./ids.js";
export { deriveServerKeys, type ServerKeys } from "./crypto/keys.js";
export { decryptSecret, encryptSecret, SecretDecryptionError } from "./crypto/secret-box.js";
export { roles, roleScopes, scopes, type Role, type Scope } from "./http/auth/scopes.js";
export type { AuthContext } from "./http/auth/context.js";
export { PROBLEM_TYPE_BASE, type FieldError, type ProblemDocument } from "./http/problem.js";
