import { pino, type Logger } from "pino";
import type { ServerConfig } from "./config.js";

/** Paths pino replaces with `[redacted]` wherever they appear in a log line. */
export const redactedLogPaths = [
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["idempotency-key"]',
  "*.secret",
  "*.password",
  "*.apiKey",
  "*.token",
];

/** The server's JSON logger: one line per event, secrets redacted. */
export function createLogger(level: ServerConfig["logLevel"]): Logger {
  return pino({ level, base: { service: "relais-server" }, redact: { paths: redactedLogPaths, censor: "[redacted]" } });
}

export type { Logger };
