import { isBuiltInType, supportedCommandTypes } from "./command-runner.js";
import { AgentError } from "./errors.js";
import type { Capabilities } from "./protocol.js";
import type { AgentHandlers, AgentOptions } from "./types.js";

/** Custom command types share one namespace with the server's; this keeps them URL- and log-safe. */
const CUSTOM_TYPE = /^[a-z][a-z0-9_.:-]{0,63}$/;

/**
 * Checks options before anything runs, so a misconfigured plugin fails at `createAgent`.
 *
 * @throws {AgentError} `invalid_options`.
 */
export function validateOptions(options: AgentOptions): void {
  let url: URL;
  try {
    url = new URL(options.serverUrl);
  } catch {
    throw invalid(`serverUrl is not a URL: ${JSON.stringify(options.serverUrl)}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw invalid("serverUrl must be http(s)");
  for (const member of ["name", "version", "platform"] as const) {
    const value: unknown = options.plugin?.[member];
    if (typeof value !== "string" || value === "") throw invalid(`plugin.${member} must be a non-empty string`);
  }
  if (options.enrolmentToken !== undefined && options.credentials !== undefined) {
    throw invalid("pass enrolmentToken or credentials, not both");
  }
  for (const type of Object.keys(options.handlers?.custom ?? {})) {
    if (isBuiltInType(type)) throw invalid(`custom handler "${type}" shadows a built-in command type`);
    if (!CUSTOM_TYPE.test(type)) throw invalid(`custom command type "${type}" must match ${CUSTOM_TYPE}`);
  }
  for (const member of ["healthCheckTimeoutMs", "requestTimeoutMs"] as const) {
    const value = options[member];
    if (value !== undefined && !(Number.isFinite(value) && value > 0)) throw invalid(`${member} must be a positive number`);
  }
}

/** A warning when `serverUrl` would send the agent secret in clear over a network. */
export function insecureTransportWarning(serverUrl: string): string | undefined {
  const { protocol, hostname } = new URL(serverUrl);
  const loopback = hostname === "localhost" || hostname === "[::1]" || hostname.startsWith("127.");
  return protocol === "http:" && !loopback ? `serverUrl ${serverUrl} is not https: the agent secret travels in clear` : undefined;
}

/** The heartbeat's `env`: the plugin's facts plus, unless disabled, the Node runtime's. */
export function resolveEnv(options: AgentOptions): Record<string, string | number | boolean> {
  const runtime: Record<string, string> =
    options.telemetry?.includeRuntime === false
      ? {}
      : { runtime: "node", runtime_version: process.versions.node, os: process.platform, arch: process.arch };
  return { ...runtime, ...options.telemetry?.env };
}

/** The heartbeat's `capabilities` for a set of handlers. */
export function resolveCapabilities(handlers: AgentHandlers): Capabilities {
  return {
    commands: supportedCommandTypes(handlers),
    local_rollback: handlers.snapshot !== undefined && handlers.restore !== undefined,
    health_check: handlers.healthCheck !== undefined,
  };
}

function invalid(message: string): AgentError {
  return new AgentError("invalid_options", message);
}
