import { loadConfig, startServer } from "@relais/server";

/** A Relais server to talk to: one started here, or one already running elsewhere. */
export interface RelaisConnection {
  baseUrl: string;
  /** An admin API key (`rk_test_…`): creates the app, its key and nothing else. */
  adminKey: string;
  /** `true` when this process started the server (and so owns everything in it). */
  inProcess: boolean;
  /** Stops the in-process server; does nothing for an outside one. */
  close(): Promise<void>;
}

/**
 * Connects to `RELAIS_BASE_URL` with `RELAIS_API_KEY` when both are set; otherwise starts a server
 * in this process on an in-memory database and a free port.
 *
 * The in-process server allows webhook targets on 127.0.0.1 (`RELAIS_WEBHOOK_ALLOW_PRIVATE`),
 * which a real deployment never does: its SSRF guard refuses loopback and private addresses.
 */
export async function connectRelais(env: NodeJS.ProcessEnv): Promise<RelaisConnection> {
  const { RELAIS_BASE_URL: baseUrl, RELAIS_API_KEY: apiKey } = env;
  if (baseUrl && apiKey) {
    return { baseUrl, adminKey: apiKey, inProcess: false, close: async () => {} };
  }
  const server = await startServer(
    loadConfig({
      DATABASE_URL: "memory://",
      HOST: "127.0.0.1",
      PORT: "0",
      RELAIS_WEBHOOK_ALLOW_PRIVATE: "true",
      // The server logs pino JSON; keep the quickstart's output to its own lines unless something breaks.
      LOG_LEVEL: env.LOG_LEVEL ?? "error",
    }),
  );
  // An in-memory database is always empty, so the first start always creates the admin key.
  if (!server.adminKey) throw new Error("the in-memory server printed no admin key");
  return { baseUrl: server.url, adminKey: server.adminKey, inProcess: true, close: () => server.close() };
}
