import { pino } from "pino";
import type { AgentEvents, PluginAgent } from "@relais/plugin-agent";
import { loadConfig } from "../../config.js";
import { startServer, type RunningServer } from "../../server.js";
import { createTestDatabase, type TestDatabase } from "../../testing/test-database.js";
import { TEST_MASTER_KEY } from "../../testing/test-server.js";

/** A response as the harness returns it. */
export interface HarnessResponse<T> {
  status: number;
  headers: Headers;
  body: T;
}

/**
 * A real server on a database that outlives it, so a test can close the server and start a new
 * one on the same port and data (a restart) while an agent keeps running.
 */
export class RestartableServer {
  private server: RunningServer | undefined;
  private port = 0;
  adminKey = "";

  private constructor(
    private readonly database: TestDatabase,
    private readonly env: Record<string, string>,
  ) {}

  static async start(env: Record<string, string> = {}): Promise<RestartableServer> {
    const harness = new RestartableServer(await createTestDatabase(), env);
    await harness.boot();
    harness.adminKey = harness.running.adminKey ?? "";
    return harness;
  }

  get running(): RunningServer {
    if (!this.server) throw new Error("the server is stopped");
    return this.server;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get db(): TestDatabase["db"] {
    return this.database.db;
  }

  private async boot(): Promise<void> {
    const config = loadConfig({ PORT: String(this.port), HOST: "127.0.0.1", RELAIS_MASTER_KEY: TEST_MASTER_KEY, ...this.env });
    this.server = await startServer(config, { db: this.database.db, logger: pino({ level: "silent" }) });
    this.port = Number(new URL(this.server.url).port);
  }

  /** Closes the HTTP server and starts a new one on the same port and database. */
  async restart(): Promise<void> {
    await this.running.close();
    this.server = undefined;
    await this.boot();
  }

  async request<T = Record<string, unknown>>(method: string, path: string, body?: unknown, key: string | null = this.adminKey): Promise<HarnessResponse<T>> {
    const headers: Record<string, string> = {};
    if (key !== null) headers.authorization = `Bearer ${key}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    const response = await fetch(`${this.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    return { status: response.status, headers: response.headers, body: (text === "" ? undefined : JSON.parse(text)) as T };
  }

  async close(): Promise<void> {
    await this.server?.close();
    await this.database.dispose();
  }
}

/** Resolves with the payload of the next `event` matching `accept`. */
export function nextEvent<E extends keyof AgentEvents>(
  agent: PluginAgent,
  event: E,
  accept: (payload: AgentEvents[E]) => boolean = () => true,
): Promise<AgentEvents[E]> {
  return new Promise((resolve) => {
    const off = agent.on(event, (payload) => {
      if (!accept(payload)) return;
      off();
      resolve(payload);
    });
  });
}

/** Polls `read` until `done` holds; the test's own timeout bounds the wait. */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
