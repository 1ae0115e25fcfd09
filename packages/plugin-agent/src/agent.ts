import { createAckSender } from "./acks.js";
import { runAgentLoop } from "./agent-loop.js";
import { loadState, saveState, type AgentState } from "./agent-state.js";
import { ChangeTracker } from "./change-tracker.js";
import { createCommandPipeline, type CommandPipeline } from "./command-pipeline.js";
import { importCommandSigningKey } from "./command-signature.js";
import { createMemoryStore, openFileStore } from "./document-store.js";
import { AgentError, errorMessage } from "./errors.js";
import { createEmitter } from "./events.js";
import { insecureTransportWarning, resolveCapabilities, resolveEnv, validateOptions } from "./options.js";
import { DEFAULT_HEARTBEAT_S, type AgentRuntime, type StateKey } from "./runtime.js";
import { createSleeper } from "./sleeper.js";
import { openSnapshotStore } from "./snapshots.js";
import { createTelemetry } from "./telemetry.js";
import type { CommandSigningKey } from "./protocol.js";
import { createTransport } from "./transport.js";
import type { AgentEvents, AgentLogger, AgentOptions, PluginAgent } from "./types.js";

const silentLogger: AgentLogger = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/**
 * Creates the agent a plugin embeds. It enrols once (or resumes from `stateDir`), heartbeats on
 * the interval the server sets, and runs signed commands one at a time through `handlers`.
 *
 * @throws {AgentError} `invalid_options` when the options cannot work.
 * @example
 * const agent = createAgent({
 *   serverUrl: "https://relais.example.com",
 *   enrolmentToken: process.env.RELAIS_ENROLMENT_TOKEN,
 *   plugin: { name: "relais-woocommerce", version: "1.4.2", platform: "woocommerce" },
 *   stateDir: "/var/lib/relais-agent",
 *   handlers: {
 *     config: async ({ config }) => { await saveSettings(config); },
 *     healthCheck: async () => (await fetch("http://127.0.0.1:8080/health")).ok,
 *   },
 * });
 * agent.on("revoked", () => console.warn("Relais credentials revoked"));
 * await agent.start();
 */
export function createAgent(options: AgentOptions): PluginAgent {
  validateOptions(options);
  const logger = options.logger ?? silentLogger;
  const insecure = insecureTransportWarning(options.serverUrl);
  if (insecure !== undefined) logger.warn(insecure);
  const events = createEmitter<AgentEvents>((error, event) => {
    // Reported through the logger, not the `error` event, so a throwing listener cannot loop.
    logger.error("agent event listener threw", { event: String(event), message: errorMessage(error) });
  });
  const telemetry = createTelemetry(new Date().toISOString());
  let runtime: AgentRuntime | undefined;
  let pipeline: CommandPipeline | undefined;
  let running: Promise<void> | undefined;
  let starting: Promise<void> | undefined;
  let stopRequested = false;
  const sleeper = createSleeper(() => runtime?.stopped ?? true);

  const boot = async (): Promise<void> => {
    const store = options.stateDir === undefined ? createMemoryStore() : await openFileStore(options.stateDir);
    const state = await loadState(store, options.initialConfig ?? {});
    adoptExplicitCredentials(state, options);
    if (state.credentials === undefined && options.enrolmentToken === undefined) {
      throw new AgentError("invalid_options", "no stored credentials: pass enrolmentToken or credentials");
    }
    const signingKey =
      state.credentials === undefined ? undefined : await importSigningKeyOrThrow(state.credentials.commandSigningKey);

    const abort = new AbortController();
    const rt: AgentRuntime = {
      plugin: { name: options.plugin.name, version: options.plugin.version, platform: options.plugin.platform },
      handlers: options.handlers ?? {},
      env: resolveEnv(options),
      capabilities: resolveCapabilities(options.handlers ?? {}),
      enrolmentToken: options.enrolmentToken,
      healthCheckTimeoutMs: options.healthCheckTimeoutMs ?? 30_000,
      store,
      snapshots: await openSnapshotStore(store),
      transport: createTransport({
        serverUrl: options.serverUrl,
        fetch: options.fetch ?? globalThis.fetch,
        timeoutMs: options.requestTimeoutMs ?? 30_000,
        userAgent: `relais-plugin-agent (${options.plugin.name}/${options.plugin.version}; ${options.plugin.platform})`,
      }),
      events,
      logger,
      changes: new ChangeTracker<StateKey>(),
      telemetry,
      abort,
      state,
      signingKey,
      heartbeatIntervalS: DEFAULT_HEARTBEAT_S,
      needFullState: true,
      quietUntil: 0,
      // stop() may have been called while the state was loading.
      stopped: stopRequested,
      persist: () =>
        saveState(store, rt.state).catch((error: unknown) => {
          rt.fail("state", new AgentError("state_error", `could not write state: ${errorMessage(error)}`, { cause: error }));
          throw error;
        }),
      revoke: async (error) => {
        if (rt.state.credentials === undefined) return;
        rt.stopped = true;
        abort.abort();
        sleeper.wake();
        // The instance id is kept so that a new enrolment token re-enrols the same instance.
        rt.state.credentials = undefined;
        rt.signingKey = undefined;
        await rt.persist().catch(() => undefined);
        logger.warn("agent credentials revoked; agent stopped", { status: error.status });
        events.emit("revoked", { error });
      },
      fail: (phase, error, retryInMs) => {
        logger.warn(`agent ${phase} failed`, { code: error.code, message: error.message, retry_in_ms: retryInMs });
        events.emit("error", { error, phase, ...(retryInMs !== undefined ? { retryInMs } : {}) });
      },
    };
    runtime = rt;
    // Commands settled while loading (interrupted ones) must be on disk before anything else.
    await rt.persist();
    const acks = createAckSender(rt);
    pipeline = createCommandPipeline(rt, acks);
    running = runAgentLoop(rt, pipeline, acks, sleeper);
  };

  return {
    start() {
      if (starting !== undefined) return Promise.reject(new AgentError("invalid_options", "an agent can be started only once"));
      starting = boot();
      return starting;
    },
    async stop() {
      stopRequested = true;
      await starting?.catch(() => undefined);
      if (runtime === undefined) return;
      runtime.stopped = true;
      runtime.abort.abort();
      sleeper.wake();
      await running;
      await pipeline?.idle();
      await runtime.persist().catch(() => undefined);
    },
    reportError(error, code) {
      const ownCode = typeof error === "object" && error !== null && "code" in error ? error.code : undefined;
      telemetry.reportError(errorMessage(error), code ?? (typeof ownCode === "string" ? ownCode : undefined));
    },
    setHealth(update) {
      const rate = update.webhookFailRate;
      if (rate !== undefined && rate !== null && !(rate >= 0 && rate <= 1)) {
        throw new RangeError("webhookFailRate must be between 0 and 1, or null");
      }
      telemetry.setHealth(update);
    },
    recordMetric(name, value = 1) {
      if (typeof name !== "string" || name === "" || name.length > 100) throw new TypeError("metric name must be 1-100 characters");
      if (!Number.isFinite(value)) throw new TypeError(`metric ${name}: value must be a finite number`);
      telemetry.recordMetric(name, value);
    },
    on: (event, listener) => events.on(event, listener),
    get instanceUid() {
      return runtime?.state.instanceUid ?? options.credentials?.instanceUid;
    },
  };
}

/** Explicit credentials win over stored ones; another instance's stored history is dropped. */
function adoptExplicitCredentials(state: AgentState, options: AgentOptions): void {
  const credentials = options.credentials;
  if (credentials === undefined) return;
  if (state.instanceUid !== credentials.instanceUid) {
    state.sequenceNum = 0;
    state.commands = [];
  }
  state.instanceUid = credentials.instanceUid;
  state.credentials = { agentSecret: credentials.agentSecret, commandSigningKey: credentials.commandSigningKey };
}

async function importSigningKeyOrThrow(key: CommandSigningKey): Promise<CryptoKey> {
  try {
    return await importCommandSigningKey(key);
  } catch (cause) {
    throw new AgentError("invalid_options", "command_signing_key is not a valid Ed25519 public JWK", { cause });
  }
}
