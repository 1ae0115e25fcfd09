import { z } from "zod";
import { parseApiKeySecret } from "./api-keys/secret.js";
import { flag, httpUrl, jwks, masterKey, origins, positiveInt } from "./config-values.js";

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
 * configuration is parsed; the server README documents the same names.
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
  LOG_LEVEL: z
    .enum(logLevels, { error: `must be one of ${logLevels.join(", ")}` })
    .default("info")
    .describe("Least severe level written to the JSON log on stdout."),
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
  RELAIS_MASTER_KEY: masterKey
    .optional()
    .describe("32 random bytes in base64; encrypts secrets at rest and keys API-key hashes. Required with a PostgreSQL DATABASE_URL."),
  RELAIS_BOOTSTRAP_KEY: z
    .string()
    .trim()
    .refine((value) => parseApiKeySecret(value) !== undefined, { error: "must look like rk_test_… or rk_live_… (33+ base62 characters)" })
    .optional()
    .describe("Admin API key to create on the first start instead of generating (and printing) one."),
  RELAIS_JWT_JWKS_URL: httpUrl.optional().describe("JWKS URL whose keys sign accepted JWTs (RS256/ES256)."),
  RELAIS_JWT_JWKS: jwks.optional().describe("A static JWKS (JSON) instead of RELAIS_JWT_JWKS_URL."),
  RELAIS_JWT_ISSUER: z.string().trim().min(1).optional().describe("Required `iss` of JWTs; required when a JWKS is set."),
  RELAIS_JWT_AUDIENCE: z.string().trim().min(1).optional().describe("Required `aud` of JWTs; required when a JWKS is set."),
  RELAIS_JWT_ROLE_CLAIM: z.string().trim().min(1).default("relais_roles").describe("JWT claim holding the role or roles."),
  RELAIS_JWT_ACCOUNT_CLAIM: z.string().trim().min(1).default("relais_account").describe("JWT claim naming the account id."),
  RELAIS_JWT_LIVEMODE_CLAIM: z
    .string()
    .trim()
    .min(1)
    .default("relais_livemode")
    .describe("JWT claim that is `true` for live data; absent or false means test data."),
  RELAIS_CORS_ORIGINS: origins.optional().describe("Comma-separated origins allowed by CORS; unset: CORS off."),
  RELAIS_BODY_LIMIT_BYTES: positiveInt("a number of bytes").default(1_048_576).describe("Largest accepted request body."),
  RELAIS_RATE_LIMIT_KEY_PER_MINUTE: positiveInt("a number of requests")
    .default(1_000)
    .describe("Requests per minute per API key or JWT subject, across all processes."),
  RELAIS_RATE_LIMIT_IP_PER_MINUTE: positiveInt("a number of requests")
    .default(2_000)
    .describe("Requests per minute per client IP, across all processes."),
  RELAIS_KEY_CACHE_TTL_MS: z.coerce
    .number({ error: "must be a number of milliseconds" })
    .int()
    .min(0)
    .max(60_000)
    .default(5_000)
    .describe("How long a process trusts a verified API key before reading it again (0: every request)."),
  RELAIS_TRUST_PROXY: z.coerce
    .number({ error: "must be a number of proxy hops" })
    .int()
    .min(0)
    .max(10)
    .default(0)
    .describe("Reverse proxies in front whose X-Forwarded-For is trusted for the client IP (0: none)."),
  RELAIS_WEBHOOK_ALLOW_PRIVATE: flag
    .default(false)
    .describe("Allow http and private, loopback and other internal webhook targets (development and tests only)."),
  RELAIS_WEBHOOK_TIMEOUT_MS: positiveInt("a number of milliseconds")
    .max(60_000, { error: "must be at most 60000" })
    .default(15_000)
    .describe("Budget of one webhook delivery attempt: connect, redirects, headers and response excerpt."),
  RELAIS_WORKER_CONCURRENCY: positiveInt("a number of attempts")
    .max(10_000, { error: "must be at most 10000" })
    .default(200)
    .describe("Delivery attempts one worker process runs at once."),
  RELAIS_WORKER_POLL_MS: positiveInt("a number of milliseconds")
    .max(60_000, { error: "must be at most 60000" })
    .default(1_000)
    .describe("How often an idle worker looks for due messages when no notification woke it."),
  RELAIS_EVENT_RETENTION_DAYS: positiveInt("a number of days").default(90).describe("Events (and their messages and attempts) older than this are deleted."),
  RELAIS_ENDPOINT_QUOTA: positiveInt("a number of endpoints").default(20).describe("Webhook endpoints per app, or per account for account-level keys."),
  RELAIS_REPLAY_RATE_PER_SECOND: positiveInt("a number of messages a second")
    .default(10)
    .describe("How fast a replay requeues messages, so a recovered endpoint is not flooded."),
  RELAIS_ENDPOINT_FAILURE_WINDOW_HOURS: positiveInt("a number of hours")
    .default(120)
    .describe("An endpoint whose attempts fail without a success for this long is disabled."),
  RELAIS_ENDPOINT_MAX_CONSECUTIVE_DEAD: positiveInt("a number of messages")
    .default(10)
    .describe("An endpoint with this many dead messages in a row is disabled."),
  RELAIS_AGENT_HEARTBEAT_S: positiveInt("a number of seconds")
    .max(86_400, { error: "must be at most 86400" })
    .default(120)
    .describe("Seconds between plugin agent heartbeats (next_heartbeat_in_s); 3 missed intervals mark an instance offline."),
  RELAIS_AGENT_BODY_LIMIT_BYTES: positiveInt("a number of bytes")
    .default(1_048_576)
    .describe("Largest plugin agent request body (heartbeat telemetry); larger ones get 413."),
  RELAIS_AGENT_MONITOR_INTERVAL_S: positiveInt("a number of seconds")
    .max(3_600, { error: "must be at most 3600" })
    .default(30)
    .describe("How often a worker looks for silent plugin instances and expired commands, and runs incident detection."),
  RELAIS_AUTOPATCH_INTERVAL_S: positiveInt("a number of seconds")
    .max(300, { error: "must be at most 300" })
    .default(5)
    .describe("How often a worker moves autopatch rollouts on (acks, health watches, next waves, rollbacks)."),
  RELAIS_PUBLIC_URL: httpUrl
    .optional()
    .describe("The server's public base URL, for the URLs it hands out (interop ingest URLs). Unset: taken from each request's Host."),
  RELAIS_INTEROP_BODY_LIMIT_BYTES: positiveInt("a number of bytes")
    .default(5_242_880)
    .describe("Largest platform delivery an interop ingest URL accepts; larger ones get 413 and the platform retries."),
  RELAIS_INTEROP_CONNECTOR_CACHE_MS: z.coerce
    .number({ error: "must be a number of milliseconds" })
    .int()
    .min(0)
    .max(60_000)
    .default(5_000)
    .describe("How long an API process reuses a connector (and its opened secret) for ingest; changes made elsewhere apply after this."),
  RELAIS_DECISION_URL: httpUrl
    .optional()
    .describe("Self-healing decision service: incidents are POSTed there (signed) for an action; unset or failing, healing rules and heuristics decide."),
  RELAIS_DECISION_SECRET: z
    .string()
    .trim()
    .regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, { error: "must be a whsec_ secret (Standard Webhooks)" })
    .optional()
    .describe("Signs the requests to RELAIS_DECISION_URL (Standard Webhooks headers); required with it."),
  RELAIS_DECISION_TIMEOUT_MS: z.coerce
    .number({ error: "must be a number of milliseconds" })
    .int()
    .min(100)
    .max(30_000)
    .default(2_000)
    .describe("How long the decision service may take before the rules decide instead."),
});

// Rules that span several variables, checked after each one parsed on its own.
function crossChecks(value: z.output<typeof configSchema>): Array<{ name: string; message: string }> {
  const problems: Array<{ name: string; message: string }> = [];
  const postgres = value.DATABASE_URL !== undefined && value.DATABASE_URL !== "memory://";
  if (postgres && !value.RELAIS_MASTER_KEY) {
    problems.push({ name: "RELAIS_MASTER_KEY", message: "is required with a PostgreSQL DATABASE_URL (32 random bytes in base64)" });
  }
  if (value.RELAIS_JWT_JWKS_URL && value.RELAIS_JWT_JWKS) {
    problems.push({ name: "RELAIS_JWT_JWKS", message: "cannot be set together with RELAIS_JWT_JWKS_URL" });
  }
  if (value.RELAIS_JWT_JWKS_URL || value.RELAIS_JWT_JWKS) {
    for (const name of ["RELAIS_JWT_ISSUER", "RELAIS_JWT_AUDIENCE"] as const) {
      if (!value[name]) problems.push({ name, message: "is required when a JWKS is configured" });
    }
  }
  if (value.RELAIS_DECISION_URL && !value.RELAIS_DECISION_SECRET) {
    problems.push({ name: "RELAIS_DECISION_SECRET", message: "is required with RELAIS_DECISION_URL (requests to it are signed)" });
  }
  return problems;
}

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
  /** 32 bytes; `undefined` lets an embedded database generate or load its own. */
  masterKey: Buffer | undefined;
  bootstrapKey: string | undefined;
  jwt: JwtConfig | undefined;
  corsOrigins: string[];
  bodyLimitBytes: number;
  rateLimits: { keyPerMinute: number; ipPerMinute: number };
  keyCacheTtlMs: number;
  trustProxyHops: number;
  agents: AgentConfig;
  webhooks: WebhookConfig;
  interop: InteropConfig;
  /** The self-healing decision service, when configured. */
  decisionService: { url: string; secret: string; timeoutMs: number } | undefined;
}

/** Interop ingest settings. */
export interface InteropConfig {
  /** Base of the ingest URLs handed out; undefined: the request's own origin. */
  publicUrl: string | undefined;
  bodyLimitBytes: number;
  connectorCacheMs: number;
}

/** Webhook delivery and event settings. */
export interface WebhookConfig {
  allowPrivate: boolean;
  timeoutMs: number;
  workerConcurrency: number;
  pollMs: number;
  eventRetentionDays: number;
  endpointQuota: number;
  replayRatePerSecond: number;
  failureWindowHours: number;
  maxConsecutiveDead: number;
}

/** Plugin control plane settings. */
export interface AgentConfig {
  heartbeatIntervalS: number;
  bodyLimitBytes: number;
  monitorIntervalS: number;
  autopatchIntervalS: number;
}

/** How JWTs are verified and read; present when a JWKS is configured. */
export interface JwtConfig {
  keys: { url: string } | { jwks: { keys: Array<Record<string, unknown>> } };
  issuer: string;
  audience: string;
  roleClaim: string;
  accountClaim: string;
  livemodeClaim: string;
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
      // Never echo a secret back, not even a malformed one.
      const shown = secretVariables.has(name) ? "[redacted]" : JSON.stringify(present[name]);
      return `${name} ${issue.message} (got ${shown})`;
    });
    throw new ConfigError(`invalid configuration: ${reasons.join("; ")}`, variables);
  }
  const value = parsed.data;
  const problems = crossChecks(value);
  if (problems.length > 0) {
    throw new ConfigError(
      `invalid configuration: ${problems.map((problem) => `${problem.name} ${problem.message}`).join("; ")}`,
      problems.map((problem) => problem.name),
    );
  }
  return {
    port: value.PORT,
    host: value.HOST,
    databaseUrl: value.DATABASE_URL,
    dataDir: value.RELAIS_DATA_DIR,
    logLevel: value.LOG_LEVEL,
    role: value.RELAIS_ROLE,
    shutdownTimeoutMs: value.RELAIS_SHUTDOWN_TIMEOUT_MS,
    masterKey: value.RELAIS_MASTER_KEY,
    bootstrapKey: value.RELAIS_BOOTSTRAP_KEY,
    jwt: jwtConfig(value),
    corsOrigins: value.RELAIS_CORS_ORIGINS ?? [],
    bodyLimitBytes: value.RELAIS_BODY_LIMIT_BYTES,
    rateLimits: { keyPerMinute: value.RELAIS_RATE_LIMIT_KEY_PER_MINUTE, ipPerMinute: value.RELAIS_RATE_LIMIT_IP_PER_MINUTE },
    keyCacheTtlMs: value.RELAIS_KEY_CACHE_TTL_MS,
    trustProxyHops: value.RELAIS_TRUST_PROXY,
    agents: {
      heartbeatIntervalS: value.RELAIS_AGENT_HEARTBEAT_S,
      bodyLimitBytes: value.RELAIS_AGENT_BODY_LIMIT_BYTES,
      monitorIntervalS: value.RELAIS_AGENT_MONITOR_INTERVAL_S,
      autopatchIntervalS: value.RELAIS_AUTOPATCH_INTERVAL_S,
    },
    webhooks: {
      allowPrivate: value.RELAIS_WEBHOOK_ALLOW_PRIVATE,
      timeoutMs: value.RELAIS_WEBHOOK_TIMEOUT_MS,
      workerConcurrency: value.RELAIS_WORKER_CONCURRENCY,
      pollMs: value.RELAIS_WORKER_POLL_MS,
      eventRetentionDays: value.RELAIS_EVENT_RETENTION_DAYS,
      endpointQuota: value.RELAIS_ENDPOINT_QUOTA,
      replayRatePerSecond: value.RELAIS_REPLAY_RATE_PER_SECOND,
      failureWindowHours: value.RELAIS_ENDPOINT_FAILURE_WINDOW_HOURS,
      maxConsecutiveDead: value.RELAIS_ENDPOINT_MAX_CONSECUTIVE_DEAD,
    },
    interop: {
      publicUrl: value.RELAIS_PUBLIC_URL?.replace(/\/+$/, ""),
      bodyLimitBytes: value.RELAIS_INTEROP_BODY_LIMIT_BYTES,
      connectorCacheMs: value.RELAIS_INTEROP_CONNECTOR_CACHE_MS,
    },
    decisionService:
      value.RELAIS_DECISION_URL && value.RELAIS_DECISION_SECRET
        ? { url: value.RELAIS_DECISION_URL, secret: value.RELAIS_DECISION_SECRET, timeoutMs: value.RELAIS_DECISION_TIMEOUT_MS }
        : undefined,
  };
}

const secretVariables = new Set(["RELAIS_MASTER_KEY", "RELAIS_BOOTSTRAP_KEY", "DATABASE_URL", "RELAIS_DECISION_SECRET"]);

function jwtConfig(value: z.output<typeof configSchema>): JwtConfig | undefined {
  const keys = value.RELAIS_JWT_JWKS_URL
    ? { url: value.RELAIS_JWT_JWKS_URL }
    : value.RELAIS_JWT_JWKS
      ? { jwks: value.RELAIS_JWT_JWKS }
      : undefined;
  if (!keys || !value.RELAIS_JWT_ISSUER || !value.RELAIS_JWT_AUDIENCE) return undefined;
  return {
    keys,
    issuer: value.RELAIS_JWT_ISSUER,
    audience: value.RELAIS_JWT_AUDIENCE,
    roleClaim: value.RELAIS_JWT_ROLE_CLAIM,
    accountClaim: value.RELAIS_JWT_ACCOUNT_CLAIM,
    livemodeClaim: value.RELAIS_JWT_LIVEMODE_CLAIM,
  };
}
