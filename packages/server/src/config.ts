import { z } from "zod";

/** Log levels pino understands, plus `silent`. */
export const logLevels = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

/** What a process does: serve the API, run background workers, or both. */
export const serverRoles = ["all", "api", "worker"] as const;

const databaseUrl = z
  .string()
  .trim()
  .refine((value) => /^(postgres|postgresql):\/\/.+/.test(value) || value === "memory://", {
    error: 'must be a postgres:// or postgresql:// URL, or "memory://" for an in-memory database',
  });

/**
 * The environment variables the server reads, with their defaults. This schema is the one place
 * configuration is parsed; `docs/operations.md` documents the same names.
 */
export const configSchema = z.object({
  PORT: z.coerce
    .number({ error: "must be a port number" })
    .int({ error: "must be a whole number" })
    .min(0, { error: "must be between 0 and 65535" })
    .max(65535, { error: "must be between 0 and 65535" })
    .default(4000)
    .describe("TCP port the HTTP server listens on (0 picks a free port)."),
  HOST: z.string().trim().min(1).default("127.0.0.1").describe("Interface the HTTP server binds to."),
  DATABASE_URL: databaseUrl
    .optional()
    .describe("PostgreSQL URL. Unset: embedded PGlite under RELAIS_DATA_DIR. `memory://`: embedded, in memory."),
  RELAIS_DATA_DIR: z
    .string()
    .trim()
    .min(1)
    .default("./.relais")
    .describe("Directory for the embedded database and its lock file (used when DATABASE_URL is unset)."),
  LOG_LEVEL: z.enum(logLevels, { error: `must be one of ${logLevels.join(", ")}` }).default("info"),
  RELAIS_ROLE: z
    .enum(serverRoles, { error: `must be one of ${serverRoles.join(", ")}` })
    .default("all")
    .describe("all: API and workers in one process; api: HTTP only; worker: background work only."),
  RELAIS_SHUTDOWN_TIMEOUT_MS: z.coerce
    .number({ error: "must be a number of milliseconds" })
    .int()
    .min(0)
    .max(120_000)
    .default(30_000)
    .describe("How long SIGTERM waits for in-flight requests before closing connections."),
});

/** The parsed configuration the rest of the server receives; nothing else reads `process.env`. */
export interface ServerConfig {
  port: number;
  host: string;
  /** `undefined` → embedded PGlite persisted in `dataDir`; `"memory://"` → embedded, in memory. */
  databaseUrl: string | undefined;
  dataDir: string;
  logLevel: (typeof logLevels)[number];
  role: (typeof serverRoles)[number];
  shutdownTimeoutMs: number;
}

/** A configuration value is missing or malformed; `message` names the variable and the reason. */
export class ConfigError extends Error {
  override readonly name = "ConfigError";
  constructor(
    message: string,
    /** The environment variables at fault. */
    readonly variables: string[],
  ) {
    super(message);
  }
}

/**
 * Parses the environment into a {@link ServerConfig}.
 *
 * @throws {ConfigError} naming every bad variable, e.g. `PORT must be a port number (got "abc")`.
 * @example
 * const config = loadConfig({ PORT: "8080" });
 */
export function loadConfig(env: Record<string, string | undefined>): ServerConfig {
  // Empty strings behave like unset variables, as in most shells' `VAR= cmd`.
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ""));
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    const variables = [...new Set(parsed.error.issues.map((issue) => String(issue.path[0])))];
    const reasons = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      return `${name} ${issue.message} (got ${JSON.stringify(present[name])})`;
    });
    throw new ConfigError(`invalid configuration: ${reasons.join("; ")}`, variables);
  }
  const value = parsed.data;
  return {
    port: value.PORT,
    host: value.HOST,
    databaseUrl: value.DATABASE_URL,
    dataDir: value.RELAIS_DATA_DIR,
    logLevel: value.LOG_LEVEL,
    role: value.RELAIS_ROLE,
    shutdownTimeoutMs: value.RELAIS_SHUTDOWN_TIMEOUT_MS,
  };
}
